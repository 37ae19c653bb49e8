package dev.baton.testing;

import static dev.baton.client.BodyReader.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code @BatonTest(https = true)}: the declarative way to the same. */
@BatonTest(https = true)
class HttpsAnnotationTest {
    @ServerFactory
    static Server.Builder app() {
        return Server.builder().routing(r -> r.get("/", ctx -> ctx.request().scheme()));
    }

    @Test
    void theAnnotationServesHttpsWithTheTestCertificate(TestClient client) throws Exception {
        assertThat(client.baseUri().getScheme()).isEqualTo("https");
        assertThat(client.get("/").send(text()).get(10, TimeUnit.SECONDS)).isEqualTo("https");
    }
}
