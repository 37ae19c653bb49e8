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
    final Servers servers = new Servers();

    @BeforeAll
    static void startHttpsServer(@TempDir Path dir) throws Exception {
        KeyStore keys = selfSigned(dir);
        certificate = keys.getCertificate("server");
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
                    .hasMessageContaining("TLS handshake with localhost:" + server.getAddress().getPort() + " failed");
        }
    }
}
