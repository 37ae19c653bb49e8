package dev.baton.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https with ALPN (RFC 7301) against {@link H2Backend} over TLS, with a self-signed certificate
 * made by keytool for this run: h2 when the server offers it, HTTP/1.1 when it offers nothing,
 * or when the client is told to speak only that.
 */
class Http2AlpnTest {
    static SSLContext serverTls;
    static SSLContext clientTls;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        KeyStore keys = TlsTest.selfSigned(dir);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, TlsTest.PASSWORD);
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        clientTls = TlsTest.trusting(keys.getCertificate("server"));
    }

    @Test
    void aServerOfferingH2GetsEveryCallAsAStreamOfOneConnection() throws Exception {
        try (H2Backend backend = H2Backend.tls(serverTls, true);
             HttpClient client = HttpClient.builder().eventLoopThreads(1).sslContext(clientTls).build()) {
            for (int i = 0; i < 3; i++) {
                ClientResponse r = client.post(backend.url("/echo")).text("over h2 " + i).send().get(10, TimeUnit.SECONDS);
                assertThat(r.text()).isEqualTo("over h2 " + i);
            }
            assertThat(backend.streams()).isEqualTo(3);
            assertThat(backend.connections()).isEqualTo(1);
            assertThat(client.stats().hosts().get("localhost:" + backend.port()).limit())
                    .isEqualTo(ClientConfig.defaultMaxConnectionsPerHost());
        }
    }

    @Test
    void aServerWithoutAlpnIsSpokenToInHttp11() throws Exception {
        try (H2Backend backend = H2Backend.tls(serverTls, false);
             HttpClient client = HttpClient.builder().eventLoopThreads(1).sslContext(clientTls).build()) {
            assertThat(client.get(backend.url("/")).send(BodyReader.text()).get(10, TimeUnit.SECONDS)).isEqualTo("http/1.1");
            assertThat(client.get(backend.url("/")).send(BodyReader.text()).get(10, TimeUnit.SECONDS)).isEqualTo("http/1.1");
            assertThat(backend.streams()).isZero();
            assertThat(backend.connections()).isEqualTo(1); // kept alive and reused, as any HTTP/1.1 connection
        }
    }

    @Test
    void aClientToldToSpeakHttp11OffersOnlyThatEvenToAnH2Server() throws Exception {
        try (H2Backend backend = H2Backend.tls(serverTls, true);
             HttpClient client = HttpClient.builder().eventLoopThreads(1).sslContext(clientTls)
                     .protocols(Protocol.HTTP_1_1).build()) {
            assertThat(client.get(backend.url("/")).send(BodyReader.text()).get(10, TimeUnit.SECONDS)).isEqualTo("http/1.1");
            assertThat(backend.streams()).isZero();
        }
    }
}
