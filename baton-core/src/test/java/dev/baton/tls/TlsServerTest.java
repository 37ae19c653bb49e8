package dev.baton.tls;

import static dev.baton.tls.TlsFixtures.connect;
import static dev.baton.tls.TlsFixtures.exchange;
import static dev.baton.tls.TlsFixtures.peerCertificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ServerConfig;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A real server over TLS, talked to by the JDK's HttpClient and raw SSLSockets. */
class TlsServerTest {
    private static final String SHOW_TLS = "/tls";

    private static TestServer start(TlsConfig tls) {
        return start(tls, c -> { });
    }

    private static TestServer start(TlsConfig tls, Consumer<ServerConfig.Builder> more) {
        return TestServer.start(c -> more.accept(c.tls(tls)), r -> r.get(SHOW_TLS, ctx -> {
            TlsSession s = ctx.request().tls().orElseThrow();
            return ctx.request().scheme() + " " + s.protocol() + " " + s.applicationProtocol() + " "
                    + s.peerCertificates().stream().map(x -> x.getSubjectX500Principal().getName()).toList();
        }));
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
    void eachProviderServesHttpsFromPemFilesToTheJdkClient(TlsProvider provider) throws Exception {
        try (TestServer s = start(TlsFixtures.pem("a").provider(provider).build());
             HttpClient client = HttpClient.newBuilder().sslContext(TlsFixtures.client(false)).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + s.port() + SHOW_TLS))
                    .version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).as("no ALPN offered over HTTP/1.1: none chosen").isEqualTo("https TLSv1.3  []");
            assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(TlsFixtures.certificate("server-a.pem"));
        }
    }

    @Test
    void anEncryptedPrivateKeyIsReadWithItsPassword() throws Exception {
        TlsConfig tls = TlsConfig.builder().certificateChain(TlsFixtures.resource("server-a.pem"))
                .privateKey(TlsFixtures.resource("server-a.encrypted.key")).privateKeyPassword("secret").build();
        try (TestServer s = start(tls)) {
            assertThat(peerCertificate(s.port())).isEqualTo(TlsFixtures.certificate("server-a.pem"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
    void aPkcs12KeyStoreServesItsCertificate(TlsProvider provider) throws Exception {
        TlsConfig tls = TlsConfig.builder().keyStore(TlsFixtures.resource("server-a.p12")).keyStorePassword("changeit")
                .provider(provider).build();
        try (TestServer s = start(tls)) {
            assertThat(tls.keyStoreType()).isEqualTo("PKCS12");
            assertThat(peerCertificate(s.port())).isEqualTo(TlsFixtures.certificate("server-a.pem"));
        }
    }

    @Test
    void aWrongPasswordStopsTheBuildNamingTheFile() {
        TlsConfig tls = TlsConfig.builder().keyStore(TlsFixtures.resource("server-a.p12")).keyStorePassword("wrong").build();

        assertThatThrownBy(() -> start(tls)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load the certificate").hasMessageContaining("server-a.p12");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
    void alpnPrefersH2AndTheJdkClientSpeaksItOverTls(TlsProvider provider) throws Exception {
        try (TestServer s = start(TlsFixtures.pem("a").provider(provider).build());
             HttpClient client = HttpClient.newBuilder().sslContext(TlsFixtures.client(false)).version(HttpClient.Version.HTTP_2).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + s.port() + SHOW_TLS))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.body()).as("the stream's request sees its connection's session").isEqualTo("https TLSv1.3 h2 []");
        }
    }

    @Test
    void alpnChoosesHttp11ForAClientThatOffersOnlyItAndWhenHttp2IsOff() throws Exception {
        try (TestServer s = start(TlsFixtures.pem("a").build()); SSLSocket socket = connect(s.port(), TlsFixtures.client(false))) {
            SSLParameters p = socket.getSSLParameters();
            p.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(p);
            socket.startHandshake();

            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            assertThat(exchange(socket, SHOW_TLS)).endsWith("https TLSv1.3 http/1.1 []");
        }
        try (TestServer s = start(TlsFixtures.pem("a").build(), c -> c.http2(false));
             SSLSocket socket = connect(s.port(), TlsFixtures.client(false))) {
            SSLParameters p = socket.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            socket.setSSLParameters(p);
            socket.startHandshake();

            assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
        }
    }

    @Test
    void aFileIsSentOverH2AsDataFramesWholeAndItsLengthToAHead(@TempDir Path dir) throws Exception {
        byte[] content = new byte[300_000]; // several times a stream's initial window: flow control paces it
        new java.util.Random(42).nextBytes(content);
        Path file = Files.write(dir.resolve("data.bin"), content);
        dev.baton.http.FileBody body = new dev.baton.http.FileBody(file, 0, content.length);
        try (TestServer s = TestServer.start(c -> c.tls(TlsFixtures.pem("a").build()),
                r -> r.get("/data.bin", ctx -> dev.baton.http.Response.ok().file(body, "application/octet-stream")));
             HttpClient client = HttpClient.newBuilder().sslContext(TlsFixtures.client(false)).version(HttpClient.Version.HTTP_2).build()) {
            URI uri = URI.create("https://localhost:" + s.port() + "/data.bin");
            HttpResponse<byte[]> got = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> head = client.send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(got.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo(content);
            assertThat(head.headers().firstValueAsLong("content-length")).hasValue(content.length);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void aWebSocketOverTlsEchoesAndClosesCleanly() throws Exception {
        java.util.concurrent.CompletableFuture<String> echoed = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        HttpClient client = HttpClient.newBuilder().sslContext(TlsFixtures.client(false)).build();
        try (TestServer s = TestServer.start(c -> c.tls(TlsFixtures.pem("a").build()),
                r -> r.ws("/echo", ws -> ws.onText((session, text) -> session.sendText(
                        text + " over " + session.request().scheme()))))) {
            java.net.http.WebSocket socket = client.newWebSocketBuilder().buildAsync(
                    URI.create("wss://localhost:" + s.port() + "/echo"), new java.net.http.WebSocket.Listener() {
                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                            echoed.complete(data.toString());
                            ws.request(1); // and the close frame after it
                            return null;
                        }

                        @Override
                        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code, String reason) {
                            closed.complete(code);
                            return null;
                        }
                    }).get(10, java.util.concurrent.TimeUnit.SECONDS);
            socket.sendText("hello", true);

            assertThat(echoed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("hello over https");
            socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(closed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
        } finally {
            // close() would wait for the JDK client's own teardown of the TLS connection, which it may not finish
            client.shutdownNow();
        }
    }

    @Test
    void tls12WithAnAeadCipherIsServedButACbcCipherIsRefused() throws Exception {
        try (TestServer s = start(TlsFixtures.pem("a").build())) {
            try (SSLSocket ok = connect(s.port(), TlsFixtures.client(false))) {
                ok.setEnabledProtocols(new String[] {"TLSv1.2"});
                assertThat(exchange(ok, SHOW_TLS)).endsWith("https TLSv1.2  []");
                assertThat(ok.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            }
            try (SSLSocket cbc = connect(s.port(), TlsFixtures.client(false))) {
                cbc.setEnabledProtocols(new String[] {"TLSv1.2"});
                cbc.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});
                assertThatThrownBy(cbc::startHandshake).isInstanceOf(SSLException.class);
            }
        }
    }

    @Test
    void aPlainHttpRequestToTheTlsPortGetsA400AndTheConnectionCloses() throws Exception {
        try (TestServer s = start(TlsFixtures.pem("a").build()); Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("application/problem+json")
                    .contains("This port speaks HTTPS");
        }
    }

    @Test
    void aClientThatConnectsAndSendsNothingIsClosedAfterTheHandshakeTimeout() throws Exception {
        TlsConfig tls = TlsFixtures.pem("a").handshakeTimeout(Duration.ofMillis(300)).build();
        try (TestServer s = start(tls, c -> c.requestHeadTimeout(Duration.ofSeconds(60)).idleTimeout(Duration.ofSeconds(60)));
             Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(10_000); // far past the handshake timeout: only that can end the read in time

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void theClientsCloseNotifyClosesTheConnection() throws Exception {
        try (TestServer s = start(TlsFixtures.pem("a").build()); SSLSocket socket = connect(s.port(), TlsFixtures.client(false))) {
            assertThat(exchange(socket, SHOW_TLS)).contains("200");

            socket.shutdownOutput(); // TLS 1.3: sends close_notify, keeps reading

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void reloadServesTheNewCertificateToNewConnectionsAndKeepsOpenOnes(@TempDir Path dir) throws Exception {
        TlsFixtures.install("a", dir);
        TlsConfig tls = TlsConfig.builder().certificateChain(dir.resolve("cert.pem")).privateKey(dir.resolve("key.pem")).build();
        try (TestServer s = start(tls); SSLSocket before = connect(s.port(), TlsFixtures.client(false))) {
            assertThat(exchange(before, SHOW_TLS)).contains("200");
            assertThat(before.getSession().getPeerCertificates()[0]).isEqualTo(TlsFixtures.certificate("server-a.pem"));

            TlsFixtures.install("b", dir);
            s.server.reloadTls();

            assertThat(peerCertificate(s.port())).isEqualTo(TlsFixtures.certificate("server-b.pem"));
            assertThat(exchange(before, SHOW_TLS)).as("the connection opened before still serves").contains("200");
            assertThat(before.getSession().getPeerCertificates()[0]).isEqualTo(TlsFixtures.certificate("server-a.pem"));
        }
    }

    @Test
    void aBrokenFileOnReloadIsRefusedAndTheOldCertificateStays(@TempDir Path dir) throws Exception {
        TlsFixtures.install("a", dir);
        TlsConfig tls = TlsConfig.builder().certificateChain(dir.resolve("cert.pem")).privateKey(dir.resolve("key.pem")).build();
        try (TestServer s = start(tls)) {
            Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

            assertThatThrownBy(s.server::reloadTls).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot load the certificate").hasMessageContaining("cert.pem");
            assertThat(peerCertificate(s.port())).isEqualTo(TlsFixtures.certificate("server-a.pem"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
    void aNewCertificateWithoutItsNewKeyIsRefusedOnReload(TlsProvider provider, @TempDir Path dir) throws Exception {
        TlsFixtures.install("a", dir);
        TlsConfig tls = TlsConfig.builder().certificateChain(dir.resolve("cert.pem")).privateKey(dir.resolve("key.pem"))
                .provider(provider).build();
        try (TestServer s = start(tls)) {
            Files.copy(TlsFixtures.resource("server-b.pem"), dir.resolve("cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            assertThatThrownBy(s.server::reloadTls).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the private key does not belong to the certificate");
            assertThat(peerCertificate(s.port())).isEqualTo(TlsFixtures.certificate("server-a.pem"));
        }
    }

    @Test
    void withAReloadIntervalChangedFilesAreServedWithoutAnyCall(@TempDir Path dir) throws Exception {
        TlsFixtures.install("a", dir);
        TlsConfig tls = TlsConfig.builder().certificateChain(dir.resolve("cert.pem")).privateKey(dir.resolve("key.pem"))
                .reloadInterval(Duration.ofSeconds(1)).build();
        try (TestServer s = start(tls)) {
            assertThat(peerCertificate(s.port())).isEqualTo(TlsFixtures.certificate("server-a.pem"));

            TlsFixtures.install("b", dir);

            X509Certificate b = TlsFixtures.certificate("server-b.pem");
            Await.until("the new certificate served", Duration.ofSeconds(10), () -> peerCertificate(s.port()), b::equals);
        }
    }

    @Test
    void requiredClientCertificatesRefuseAClientWithoutOneAndShowTheHandlerTheSubject() throws Exception {
        TlsConfig tls = TlsFixtures.pem("a").clientAuth(ClientAuth.REQUIRE).clientTrust(TlsFixtures.resource("client.pem")).build();
        try (TestServer s = start(tls)) {
            try (SSLSocket with = connect(s.port(), TlsFixtures.client(true))) {
                assertThat(exchange(with, SHOW_TLS)).endsWith("https TLSv1.3  [CN=baton-test-client]");
            }
            try (SSLSocket without = connect(s.port(), TlsFixtures.client(false))) {
                // TLS 1.3: the server's refusal arrives after the client's side of the handshake
                assertThatThrownBy(() -> exchange(without, SHOW_TLS)).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void optionalClientCertificatesServeAClientWithoutOne() throws Exception {
        TlsConfig tls = TlsFixtures.pem("a").clientAuth(ClientAuth.OPTIONAL).clientTrust(TlsFixtures.resource("client.pem")).build();
        try (TestServer s = start(tls); SSLSocket without = connect(s.port(), TlsFixtures.client(false))) {
            assertThat(exchange(without, SHOW_TLS)).endsWith("https TLSv1.3  []");
        }
    }

    @Test
    void aPlainServerSaysHttpAndHasNoSession() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/", ctx -> ctx.request().scheme() + " " + ctx.request().tls().isPresent()))) {
            assertThat(s.get("/").body()).isEqualTo("http false");
            assertThatThrownBy(s.server::reloadTls).isInstanceOf(IllegalStateException.class).hasMessageContaining("plain HTTP");
        }
    }
}
