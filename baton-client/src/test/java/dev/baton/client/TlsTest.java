package dev.baton.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.baton.testing.await.Await;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https against the JDK's HTTPS server, with a self-signed certificate made by keytool for this run. */
class TlsTest {
    static final char[] PASSWORD = "changeit".toCharArray();
    static HttpsServer server;
    static Certificate certificate;
    /** The server's keystore (PKCS12) and its certificate as a PEM file. */
    static Path store;
    static Path pem;
    final Servers servers = new Servers();

    @BeforeAll
    static void startHttpsServer(@TempDir Path dir) throws Exception {
        KeyStore keys = selfSigned(dir);
        store = dir.resolve("server.p12"); // where selfSigned wrote it
        certificate = keys.getCertificate("server");
        pem = java.nio.file.Files.writeString(dir.resolve("server.pem"), "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/", ex -> {
            byte[] body = ("secure " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stopHttpsServer() {
        server.stop(0);
    }

    /** A key store (password {@link #PASSWORD}) holding a new self-signed certificate for localhost, alias "server", by keytool. */
    static KeyStore selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, PASSWORD);
        }
        return keys;
    }

    static SSLContext trusting(Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void aServerWhoseCertificateIsTrustedAnswersOverTls() throws Exception {
        SSLContext tls = trusting(certificate);
        try (servers) {
            HttpClient client = servers.client(b -> b.sslContext(tls));
            int port = server.getAddress().getPort();
            assertThat(client.get("https://localhost:" + port + "/a").send(BodyReader.text()).get(10, TimeUnit.SECONDS))
                    .isEqualTo("secure /a");
            assertThat(client.get("https://localhost:" + port + "/b").send(BodyReader.text()).get(10, TimeUnit.SECONDS))
                    .isEqualTo("secure /b");
            assertThat(client.stats().connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void aCertificateForAnotherHostNameIsRejected() throws Exception {
        SSLContext tls = trusting(certificate);
        try (servers) {
            HttpClient client = servers.client(b -> b.sslContext(tls).retry(RetryPolicy.none()));
            // trusted, but issued for localhost only
            assertThatThrownBy(() -> client.get("https://127.0.0.1:" + server.getAddress().getPort() + "/").send()
                    .get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ConnectFailedException.class).hasMessageContaining("TLS handshake");
        }
    }

    @Test
    void failedHandshakesFreeTheirPlaceOnceSoTheLimitStillHolds() throws Exception {
        try (servers) {
            HttpClient client = servers.client(b -> b.maxConnectionsPerHost(2).retry(RetryPolicy.none()));
            String url = "https://localhost:" + server.getAddress().getPort() + "/";
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> client.get(url).send().get(10, TimeUnit.SECONDS))
                        .cause().isInstanceOf(ConnectFailedException.class);
            }
            String host = "localhost:" + server.getAddress().getPort();
            // each failure freed its place exactly once. Freed twice (the failure, then the close),
            // open went below zero as each closed channel was seen, and the limit let more through
            Await.during("open stays 0", java.time.Duration.ofMillis(500), () -> client.stats().hosts().get(host).open() == 0);
        }
    }

    /**
     * A TCP proxy to the HTTPS server for one connection, holding every byte until {@code gate}
     * completes, so that the client's TLS handshake (its connection still opening) waits; then
     * pipes both ways and completes {@code clientClosed} when the client closes its side.
     */
    private static ServerSocket gatedProxy(CompletableFuture<Void> gate, CountDownLatch accepted,
                                           CompletableFuture<Void> clientClosed) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket client = listener.accept();
                 Socket upstream = connectAfter(gate, accepted)) {
                Thread.ofVirtual().start(() -> {
                    try {
                        upstream.getInputStream().transferTo(client.getOutputStream());
                    } catch (IOException closed) {
                        // either side closed
                    }
                });
                try {
                    client.getInputStream().transferTo(upstream.getOutputStream());
                } catch (IOException reset) {
                    // the client reset it: closed too
                }
                clientClosed.complete(null);
            } catch (IOException e) {
                clientClosed.completeExceptionally(e);
            }
        });
        return listener;
    }

    private static Socket connectAfter(CompletableFuture<Void> gate, CountDownLatch accepted) throws IOException {
        accepted.countDown();
        gate.join();
        return new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
    }

    @Test
    void aCallAbortedWhileItsConnectionIsStillOpeningClosesThatConnectionInsteadOfPoolingIt() throws Exception {
        SSLContext tls = trusting(certificate);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CountDownLatch accepted = new CountDownLatch(1);
        CompletableFuture<Void> clientClosed = new CompletableFuture<>();
        try (servers; ServerSocket proxy = gatedProxy(gate, accepted, clientClosed)) {
            HttpClient client = servers.client(b -> b.sslContext(tls).retry(RetryPolicy.none()));
            String host = "localhost:" + proxy.getLocalPort();
            CompletableFuture<String> call = client.get("https://" + host + "/a").send(BodyReader.text());
            assertThat(accepted.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(client.stats().hosts().get(host).connecting()).as("TCP is up, the handshake waits").isEqualTo(1);

            assertThat(call.cancel(true)).isTrue();
            gate.complete(null); // the handshake completes after the call was aborted

            clientClosed.get(5, TimeUnit.SECONDS);
            Await.until("the aborted connection closed", java.time.Duration.ofSeconds(5),
                    () -> client.stats().hosts().get(host).open() == 0);
            ClientStats.HostStats pool = client.stats().hosts().get(host);
            assertThat(pool.idle()).isZero();
            assertThat(pool.connecting()).isZero();
            assertThat(client.stats().connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void anUntrustedCertificateFailsTheConnect() {
        try (servers) {
            HttpClient client = servers.client(b -> b.retry(RetryPolicy.none()));
            assertThatThrownBy(() -> client.get("https://localhost:" + server.getAddress().getPort() + "/").send()
                    .get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining("TLS handshake with localhost:" + server.getAddress().getPort() + " failed")
                    .hasMessageContaining("the server's certificate is not trusted").hasMessageContaining("trustCertificates");
        }
    }

    @Test
    void trustingThePemFileOfASelfSignedCertificateAnswersOverTls() throws Exception {
        try (servers) {
            HttpClient client = servers.client(b -> b.trustCertificates(pem));
            assertThat(client.get("https://localhost:" + server.getAddress().getPort() + "/pem").send(BodyReader.text())
                    .get(10, TimeUnit.SECONDS)).isEqualTo("secure /pem");
        }
    }

    @Test
    void trustingTheCertificateOrAKeyStoreHoldingItAnswersOverTls() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, PASSWORD);
        }
        try (servers) {
            String url = "https://localhost:" + server.getAddress().getPort() + "/";
            HttpClient byCertificate = servers.client(b -> b.trustCertificates((java.security.cert.X509Certificate) certificate));
            HttpClient byStore = servers.client(b -> b.trustStore(keys));
            assertThat(byCertificate.get(url + "c").send(BodyReader.text()).get(10, TimeUnit.SECONDS)).isEqualTo("secure /c");
            assertThat(byStore.get(url + "s").send(BodyReader.text()).get(10, TimeUnit.SECONDS)).isEqualTo("secure /s");
        }
    }

    @Test
    void trustingOneCertificateStillChecksTheHostName() {
        try (servers) {
            HttpClient client = servers.client(b -> b.trustCertificates(pem).retry(RetryPolicy.none()));
            assertThatThrownBy(() -> client.get("https://127.0.0.1:" + server.getAddress().getPort() + "/").send()
                    .get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ConnectFailedException.class).hasMessageContaining("not trusted");
        }
    }

    @Test
    void aPemFileWithoutCertificatesIsRefusedByName(@TempDir Path dir) throws IOException {
        Path empty = java.nio.file.Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
        assertThatThrownBy(() -> HttpClient.builder().trustCertificates(empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty.pem");
    }

    @Test
    void anSslContextAndTrustedCertificatesTogetherAreRefused() throws Exception {
        SSLContext tls = trusting(certificate);
        assertThatThrownBy(() -> HttpClient.builder().sslContext(tls).trustCertificates(pem).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give one");
    }

    @Test
    void aBatonServerOverTlsAnswersAClientThatTrustsItsCertificate() throws Exception {
        dev.baton.tls.TlsConfig tls = dev.baton.tls.TlsConfig.builder().keyStore(store).keyStorePassword("changeit").build();
        dev.baton.Server baton = dev.baton.Server.builder().config(c -> c.host("127.0.0.1").port(0).tls(tls))
                .routing(r -> r.get("/who", ctx -> ctx.request().scheme())).build().start();
        try (servers) {
            HttpClient client = servers.client(b -> b.trustCertificates(pem));
            assertThat(client.get("https://localhost:" + baton.port() + "/who").send(BodyReader.text()).get(10, TimeUnit.SECONDS))
                    .isEqualTo("https");
        } finally {
            baton.stop(java.time.Duration.ofSeconds(2));
        }
    }
}
