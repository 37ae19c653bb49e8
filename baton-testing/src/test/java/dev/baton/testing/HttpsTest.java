package dev.baton.testing;

import static dev.baton.client.BodyReader.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import dev.baton.client.ClientResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension serving HTTPS with the test certificate, and its client trusting it. */
class HttpsTest {
    @RegisterExtension
    static final BatonExtension app = BatonExtension.of(() -> Server.builder()
            .routing(r -> r.get("/scheme", ctx -> ctx.request().scheme()))).https();

    @Test
    void theServerSpeaksHttpsAndTheInjectedClientTrustsIt(TestClient client, URI base) throws Exception {
        ClientResponse response = client.send(client.get("/scheme"));

        assertThat(base.getScheme()).isEqualTo("https");
        assertThat(response.status()).isEqualTo(200);
        assertThat(client.get("/scheme").send(text()).get(10, TimeUnit.SECONDS)).isEqualTo("https");
    }

    @Test
    void anotherClientTrustingTheTestCertificateGetsIn(URI base) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("test", TestCertificate.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        try (HttpClient jdk = HttpClient.newBuilder().sslContext(ssl).build()) {
            HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(base.resolve("/scheme")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("https");
        }
    }
}
