package dev.baton.testing.examples;

import static dev.baton.client.BodyReader.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import dev.baton.client.ClientResponse;
import dev.baton.testing.BatonExtension;
import dev.baton.testing.SafetyNetReports;
import dev.baton.testing.TestClient;
import dev.baton.testing.await.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's example, as it is there. */
class GreetingAppTest {
    @RegisterExtension
    static final BatonExtension app = BatonExtension.of(GreetingApp::server).failOnSafetyNetReports();

    @Test
    void greetsByName(TestClient client) {
        ClientResponse res = client.send(client.get("/hello?name=Ada"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text()).isEqualTo("Hello, Ada!");
    }

    @Test
    void answersLater(TestClient client, Server server, SafetyNetReports reports) {
        String body = Await.result(client.get("/later").send(text()), Duration.ofSeconds(5));
        assertThat(body).isEqualTo("done");
        // a request is counted just after its response goes out: wait for it, never sleep
        Await.until("/later counted", Duration.ofSeconds(5),
                () -> server.stats().routes().containsKey("GET /later"));
        reports.assertNone();
    }
}
