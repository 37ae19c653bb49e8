package dev.baton.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.testing.await.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tutorial's pages end to end: the front over HTTP, its backend in the same process, both on port 0. */
class SamplePagesTest {
    static RunningDemo demo;
    static URI front;

    @BeforeAll
    static void start() {
        demo = DemoApp.start(DemoOptions.builder().port(0).backendPort(0).build());
        front = demo.frontUri();
        // three pooled connections to the backend, as a running demo has: the 50 ms timeout page's calls
        // then reach the backend without first opening connections on a busy machine
        assertThat(Web.get(front, "/PWGasync?delay=0").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    static JsonNode backendStats() {
        return Web.json(demo.backendUri(), "/api/stats");
    }

    @Test
    void theSyncPagesBlockAWorkerForTheBackendsHalfSecond() {
        Map<String, String> pages = Map.of("/Products", "Chai", "/Widgets", "Sprocket", "/Gizmos", "Thingamajig");
        pages.forEach((path, item) -> {
            Web.Timed res = Web.get(front, path);

            assertThat(res.status()).as(path).isEqualTo(200);
            assertThat(res.contentType()).isEqualTo("text/html; charset=utf-8");
            assertThat(res.body()).contains("<h1>" + path.substring(1) + "</h1>", item, "badge sync", "elapsed in the action");
            // the action began and ended on the same worker: it held that thread through the call
            assertThat(res.body()).containsPattern("began on <code>(baton-worker-\\d+)</code> · finished on <code>\\1</code>");
            assertThat(res.response().headers().firstValue("Server-Timing")).hasValueSatisfying(v -> assertThat(v).startsWith("stopwatch;dur="));
            assertThat(res.elapsed()).as(path).isGreaterThanOrEqualTo(Duration.ofMillis(450));
        });
    }

    @Test
    void theAsyncPagesTakeTheSameHalfSecondAndAreFinishedByTheEventLoop() {
        Map<String, String> pages = Map.of("/ProductsAsync", "Chai", "/WidgetsAsync", "Sprocket", "/GizmosAsync", "Thingamajig");
        pages.forEach((path, item) -> {
            Web.Timed res = Web.get(front, path);

            assertThat(res.status()).as(path).isEqualTo(200);
            assertThat(res.body()).contains("<h1>" + path.substring(1) + "</h1>", item, "badge async");
            assertThat(res.body()).containsPattern("began on <code>baton-worker-\\d+</code> · finished on <code>baton-io-[\\d-]+</code>");
            assertThat(res.elapsed()).as(path).isGreaterThanOrEqualTo(Duration.ofMillis(450));
        });
    }

    @Test
    void pwgMakesItsThreeCallsOneAfterAnother() {
        Web.Timed res = Web.get(front, "/PWG");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.body()).contains("Chai", "Sprocket", "Thingamajig");
        assertThat(res.elapsed()).isGreaterThan(Duration.ofMillis(1400));
    }

    @Test
    void pwgAsyncMakesTheSameThreeCallsInParallel() {
        Web.Timed res = Web.get(front, "/PWGasync");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.body()).contains("Chai", "Sprocket", "Thingamajig");
        assertThat(res.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(450)).isLessThan(Duration.ofMillis(1200));
    }

    @Test
    void pwgTimeOutRendersTheApplicationsTimedOutPageAndTheBackendCancelsEveryCallItSaw() throws Exception {
        JsonNode before = backendStats();

        Web.Timed res = Web.get(front, "/PWGtimeOut");

        assertThat(res.status()).isEqualTo(504);
        assertThat(res.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(res.body()).contains("<h1>Timed out</h1>", "GET /PWGtimeOut", "<strong>50 ms</strong> timeout",
                "RequestTimeoutException", "The page's 3 backend calls were made", "saw each disconnect");
        assertCancelledEveryCallItSaw(before);
    }

    @Test
    void gizmosCancelAsyncRendersTheTimedOutPageAndItsCallIsCancelled() throws Exception {
        JsonNode before = backendStats();

        Web.Timed res = Web.get(front, "/GizmosCancelAsync");

        assertThat(res.status()).isEqualTo(504);
        assertThat(res.body()).contains("<h1>Timed out</h1>", "<strong>150 ms</strong> timeout",
                "The page's backend call was made", "it was aborted and its connection closed", "saw the disconnect")
                .doesNotContain("calls were made", "each disconnect");
        assertThat(res.elapsed()).isLessThan(Duration.ofMillis(450));
        assertCancelledEveryCallItSaw(before);
        assertThat(backendStats().at("/resources/gizmos/cancelled").asLong())
                .isEqualTo(before.at("/resources/gizmos/cancelled").asLong() + 1);
    }

    /** The backend saw at least one of the page's calls, and counted every one it saw as cancelled by the disconnect. */
    private static void assertCancelledEveryCallItSaw(JsonNode before) {
        Await.until("every call the backend saw was cancelled", Duration.ofSeconds(5), () -> {
            JsonNode now = backendStats();
            long seen = now.get("calls").asLong() - before.get("calls").asLong();
            return seen > 0 && now.get("inFlight").asLong() == 0
                    && now.get("cancelled").asLong() - before.get("cancelled").asLong() == seen;
        });
        JsonNode after = backendStats();
        assertThat(after.get("completed").asLong()).isEqualTo(before.get("completed").asLong());
        assertThat(after.at("/cancelledBy/CLIENT_DISCONNECT").asLong() - before.at("/cancelledBy/CLIENT_DISCONNECT").asLong())
                .isEqualTo(after.get("cancelled").asLong() - before.get("cancelled").asLong());
    }

    @Test
    void aPageWhoseCallerLeavesItLittleTimeRendersTheTimedOutPage() {
        // Baton-Timeout is the caller's budget: the second of PWG's three 200 ms calls runs out of it
        Web.Timed res = Web.get(front, "/PWG?delay=200", "Baton-Timeout", "300");

        assertThat(res.status()).isEqualTo(504);
        assertThat(res.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(res.body()).contains("<h1>Timed out</h1>", "GET /PWG");
        assertThat(res.elapsed()).isLessThan(Duration.ofMillis(1000));
    }

    @Test
    void aShortDelayBeatsTheTimeoutsAndThePagesRender() {
        assertThat(Web.get(front, "/GizmosCancelAsync?delay=0").status()).isEqualTo(200);
        Web.Timed pwg = Web.get(front, "/PWGtimeOut?delay=0");
        assertThat(pwg.status()).isEqualTo(200);
        assertThat(pwg.body()).contains("Chai", "Sprocket", "Thingamajig");
    }

    @Test
    void thePagesPassTheirDelayOnToTheBackend() {
        Web.Timed res = Web.get(front, "/ProductsAsync?delay=700");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(690));
        assertThat(res.body()).contains("href=\"/Products?delay=700\"");
    }

    @Test
    void aFailingBackendRendersTheApplicationsErrorPage() {
        for (String path : List.of("/Products?delay=10&failRate=1", "/ProductsAsync?delay=10&failRate=1",
                "/PWGasync?delay=10&failRate=1", "/PWG?delay=10&failRate=1")) {
            Web.Timed res = Web.get(front, path);

            assertThat(res.status()).as(path).isEqualTo(502);
            assertThat(res.contentType()).as(path).isEqualTo("text/html; charset=utf-8");
            assertThat(res.body()).as(path).contains("<h1>The backend failed</h1>",
                    "answered 500 (Internal Server Error): injected failure (failRate=1.0)");
        }
    }

    @Test
    void aBadQueryValueOnAPageIsA400ProblemNamingIt() {
        Web.Timed res = Web.get(front, "/GizmosAsync?delay=later");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.contentType()).isEqualTo("application/problem+json");
        assertThat(res.json().get("detail").asText()).startsWith("query parameter 'delay' must be milliseconds");
    }
}
