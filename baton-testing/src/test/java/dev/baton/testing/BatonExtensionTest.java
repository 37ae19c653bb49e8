package dev.baton.testing;

import static dev.baton.client.BodyReader.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import dev.baton.client.HttpClient;
import dev.baton.testing.await.Await;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatonExtensionTest {
    static final AtomicInteger built = new AtomicInteger();
    static final AtomicInteger userAgents = new AtomicInteger();

    @RegisterExtension
    static final BatonExtension app = BatonExtension.of(() -> {
        built.incrementAndGet();
        return Server.builder()
                .config(c -> c.port(8080).host("0.0.0.0")) // the application's own: the extension overrides both
                .routing(r -> {
                    r.get("/hello", ctx -> "Hello, " + ctx.request().query("name").asString("World") + "!");
                    r.get("/agent", ctx -> ctx.request().headers().first("User-Agent").orElse("none"));
                    r.get("/busy", ctx -> dev.baton.http.Response.status(503).text("try later"));
                });
    }).client(b -> b.userAgent("agent-" + userAgents.incrementAndGet()));

    static Server seenBeforeAll;

    @BeforeAll
    static void beforeAll(Server server) {
        seenBeforeAll = server; // a @BeforeAll method gets the class's server too
    }

    @Test
    void theServerRunsOnAPortOfItsOwnOnLoopback(Server server, URI base) {
        assertThat(server.port()).isNotEqualTo(8080).isPositive();
        assertThat(server.config().host()).isEqualTo("127.0.0.1");
        assertThat(base).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
        assertThat(app.baseUri()).isEqualTo(base);
        assertThat(app.server()).isSameAs(server).isSameAs(seenBeforeAll);
    }

    @Test
    void theClientIsBoundToTheServer(TestClient client) {
        assertThat(client.send(client.get("/hello?name=Ada")).text()).isEqualTo("Hello, Ada!");
        assertThat(Await.result(client.get("/hello").send(text()), Duration.ofSeconds(5))).isEqualTo("Hello, World!");
        assertThat(client.uri("/hello")).isEqualTo(URI.create(app.baseUri() + "/hello"));
        assertThat(app.client()).isSameAs(client);
    }

    @Test
    void theClientDoesNotRetryAndItsSettingsApply(TestClient client) {
        // the default retry policy would retry a 503: a test sees the server's own answer, once
        assertThat(client.send(client.get("/busy")).status()).isEqualTo(503);
        Await.until("/busy counted", Duration.ofSeconds(5),
                () -> app.server().stats().routes().containsKey("GET /busy"));
        assertThat(app.server().stats().routes().get("GET /busy").count()).isEqualTo(1);
        assertThat(client.send(client.get("/agent")).text()).isEqualTo("agent-1");
    }

    @Test
    void aPathMustStartWithASlash(TestClient client) {
        assertThatThrownBy(() -> client.get("hello")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starts with '/'");
    }

    @Test
    void theFactoryRanOnceForTheClass() {
        assertThat(built).hasValue(1);
    }

    @Test
    void aClientByHandReachesAServerByHand() {
        Server other = Server.builder().config(c -> c.port(0).host("127.0.0.1"))
                .routing(r -> r.get("/", ctx -> "other")).build().start();
        try (TestClient c = TestClient.of(other)) {
            assertThat(c.send(c.get("/")).text()).isEqualTo("other");
            assertThat(c.http()).isInstanceOf(HttpClient.class);
        } finally {
            other.stop(Duration.ofSeconds(1));
        }
    }

    @Nested
    class ANestedClass {
        @Test
        void sharesTheEnclosingClassesServer(Server server) {
            assertThat(server).isSameAs(seenBeforeAll);
            assertThat(built).hasValue(1);
        }
    }
}
