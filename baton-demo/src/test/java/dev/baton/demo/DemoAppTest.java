package dev.baton.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.Server;
import dev.baton.demo.backend.BackendService;
import dev.baton.demo.catalog.Delay;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo as a whole: its index, assets, numbers, overload page, command line and an external backend. */
class DemoAppTest {
    static RunningDemo demo;
    static URI front;

    @BeforeAll
    static void start() {
        demo = DemoApp.start(DemoOptions.builder().port(0).backendPort(0).build());
        front = demo.frontUri();
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    @Test
    void theIndexLinksEveryPageWithWhatItProves() {
        Web.Timed res = Web.get(front, "/");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentType()).isEqualTo("text/html; charset=utf-8");
        for (String page : List.of("/Products", "/ProductsAsync", "/Widgets", "/WidgetsAsync", "/Gizmos", "/GizmosAsync",
                "/PWG", "/PWGasync", "/PWGtimeOut", "/GizmosCancelAsync", "/report", "/styles/value", "/styles/future",
                "/styles/responder", "/styles/operations", "/overload", "/dashboard", "/metrics", "/stats", "/stats/backend")) {
            assertThat(res.body()).contains("href=\"" + page + "\"");
        }
        assertThat(res.body()).contains(demo.backendUri().toString(), "name=\"viewport\"", "/assets/site.css");
    }

    @Test
    void theStylesheetAndTheLiveCountersScriptAreServed() {
        Web.Timed css = Web.get(front, "/assets/site.css");
        Web.Timed js = Web.get(front, "/assets/live.js");

        assertThat(css.status()).isEqualTo(200);
        assertThat(css.contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(css.body()).contains("@media");
        assertThat(js.contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("backend-stats");
    }

    @Test
    void thePagesNameTheirIconInlineAndFaviconIcoServesItToo() {
        assertThat(Web.get(front, "/").body()).contains("<link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg ");

        Web.Timed icon = Web.get(front, "/favicon.ico");

        assertThat(icon.status()).isEqualTo(200);
        assertThat(icon.contentType()).isEqualTo("image/svg+xml");
        assertThat(icon.body()).startsWith("<svg xmlns=");
    }

    @Test
    void statsShowTheFrontItsClientTheOperationsAndTheBackend() {
        assertThat(Web.get(front, "/ProductsAsync?delay=0").status()).isEqualTo(200);

        JsonNode stats = Web.json(front, "/stats");

        assertThat(stats.has("front")).isTrue();
        assertThat(stats.at("/client/calls").asLong()).isPositive();
        assertThat(stats.has("operations")).isTrue();
        assertThat(stats.at("/backend/calls").asLong()).isPositive();
        JsonNode backend = Web.json(front, "/stats/backend");
        assertThat(backend.has("cancelledBy")).isTrue();
        assertThat(backend.at("/resources/products/calls").asLong()).isPositive();
    }

    @Test
    void theOverloadPageShowsRequestsPastTheWorkersAndQueueRefusedWith503() {
        Web.Timed res = Web.get(front, "/overload");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.body()).contains("<h1>Overload</h1>", "fired <strong>56</strong> concurrent requests",
                "<strong>8</strong> workers", "Retry-After: 1", "the request queue is full");
        assertThat(res.body()).containsPattern("<tr><td>503</td><td class=\"num\">\\d+</td>");
        assertThat(demo.front().stats().rejected()).isPositive();
    }

    @Test
    void theBlockingRouteRefusesADurationOutOfRange() {
        Web.Timed res = Web.get(front, "/blocking?ms=-1");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.json().get("detail").asText()).isEqualTo("query parameter 'ms' must be milliseconds from 0 to 5000, got '-1'");
        assertThat(Web.get(front, "/blocking?ms=0").body()).startsWith("slept 0 ms on baton-worker-");
    }

    @Test
    void theCommandLineSetsEveryOption() {
        DemoOptions o = DemoApp.parse("--port", "0", "--backend-port=9091", "--workers", "3", "--queue", "5",
                "--backend-url", "http://127.0.0.1:9090", "--delay", "100-200", "--fail-rate", "0.5", "--host", "0.0.0.0");

        assertThat(o).isEqualTo(DemoOptions.builder().port(0).backendPort(9091).workers(3).queue(5)
                .backendUrl(URI.create("http://127.0.0.1:9090")).backendDelay(new Delay(100, 200)).backendFailRate(0.5)
                .host("0.0.0.0").build());
        assertThat(DemoApp.parse()).isEqualTo(DemoOptions.builder().build());
        assertThat(DemoApp.parse().port()).isEqualTo(8080);
        assertThat(DemoApp.loopback("0.0.0.0", 8080)).isEqualTo(URI.create("http://127.0.0.1:8080"));
    }

    @Test
    void aBadCommandLineSaysWhatIsWrong() {
        assertThatThrownBy(() -> DemoApp.parse("--port")).hasMessage("--port needs a value");
        assertThatThrownBy(() -> DemoApp.parse("--workers", "many")).hasMessage("--workers takes a number, got 'many'");
        assertThatThrownBy(() -> DemoApp.parse("--colour", "blue")).hasMessage("unknown option --colour");
        assertThatThrownBy(() -> DemoApp.parse("--workers", "0")).hasMessageContaining("workers must be > 0");
        assertThatThrownBy(() -> DemoApp.parse("--backend-url", "ftp://x")).hasMessageContaining("http://host:port");
    }

    @Test
    void theFrontCanUseABackendRunningElsewhere() {
        BackendService service = new BackendService(Delay.of(Duration.ofMillis(20)), 0);
        Server backend = service.start("127.0.0.1", 0);
        URI url = URI.create("http://127.0.0.1:" + backend.port());
        try (RunningDemo other = DemoApp.start(DemoOptions.builder().port(0).backendUrl(url).build())) {
            assertThat(other.backend()).isEmpty();
            assertThat(other.backendUri()).isEqualTo(url);
            assertThat(other.backendPort()).isEqualTo(backend.port());

            assertThat(Web.get(other.frontUri(), "/GizmosAsync").status()).isEqualTo(200);
            assertThat(service.stats().resources().get("gizmos").completed()).isEqualTo(1);
        } finally {
            backend.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aPortInUseFailsTheStartAndStopsTheBackendItStarted() {
        assertThatThrownBy(() -> DemoApp.start(DemoOptions.builder().port(demo.frontPort()).build()))
                .isInstanceOf(RuntimeException.class);
        // the demo that holds the port is untouched
        assertThat(Web.get(front, "/").status()).isEqualTo(200);
    }
}
