package dev.baton.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.Server;
import dev.baton.demo.backend.BackendService;
import dev.baton.demo.catalog.Delay;
import dev.baton.testing.await.Await;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The backend alone: delays, ranges, failures, bad input and the calls it counts as cancelled. */
class BackendServiceTest {
    static Server server;
    static URI base;

    @BeforeAll
    static void start() {
        server = new BackendService(Delay.of(Duration.ofMillis(500)), 0).start("127.0.0.1", 0);
        base = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(1));
    }

    static JsonNode stats() {
        return Web.json(base, "/api/stats");
    }

    @Test
    void eachListIsJsonAfterTheDefaultDelayOfHalfASecond() {
        for (String list : List.of("products", "widgets", "gizmos")) {
            Web.Timed res = Web.get(base, "/api/" + list);

            assertThat(res.status()).as(list).isEqualTo(200);
            assertThat(res.contentType()).startsWith("application/json");
            assertThat(res.json().isArray()).isTrue();
            assertThat(res.json().size()).isGreaterThan(3);
            assertThat(res.response().headers().firstValue(BackendService.DELAY_HEADER)).hasValue("500");
            assertThat(res.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(450));
        }
    }

    @Test
    void theDelayParameterSetsHowLongACallTakes() {
        Web.Timed res = Web.get(base, "/api/gizmos?delay=150");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.response().headers().firstValue(BackendService.DELAY_HEADER)).hasValue("150");
        assertThat(res.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(140)).isLessThan(Duration.ofMillis(450));
    }

    @Test
    void aDelayRangeDrawsEachCallsDelayFromTheRange() {
        List<CompletableFuture<Web.Timed>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> Web.get(base, "/api/widgets?delay=50-250")));
        }
        for (CompletableFuture<Web.Timed> call : calls) {
            Web.Timed res = call.join();
            long delay = Long.parseLong(res.response().headers().firstValue(BackendService.DELAY_HEADER).orElseThrow());
            assertThat(delay).isBetween(50L, 250L);
            assertThat(res.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(delay - 5));
        }
    }

    @Test
    void aFailRateOfOneAnswersEveryCallWithA500Problem() {
        Web.Timed res = Web.get(base, "/api/products?delay=10&failRate=1");

        assertThat(res.status()).isEqualTo(500);
        assertThat(res.contentType()).isEqualTo("application/problem+json");
        assertThat(res.json().get("detail").asText()).startsWith("injected failure (failRate=1.0)");
        assertThat(Web.get(base, "/api/products?delay=10&failRate=0").status()).isEqualTo(200);
    }

    @Test
    void badQueryValuesAre400ProblemsNamingTheParameterAndAreNotCounted() {
        long callsBefore = stats().get("calls").asLong();
        for (String query : List.of("delay=-1", "delay=soon", "delay=800-200", "delay=99999", "delay=10-", "failRate=2",
                "failRate=often", "failRate=NaN")) {
            Web.Timed res = Web.get(base, "/api/gizmos?" + query);

            assertThat(res.status()).as(query).isEqualTo(400);
            assertThat(res.contentType()).as(query).isEqualTo("application/problem+json");
            String name = query.substring(0, query.indexOf('='));
            assertThat(res.json().get("detail").asText()).as(query).startsWith("query parameter '" + name + "' must be");
        }
        assertThat(stats().get("calls").asLong()).isEqualTo(callsBefore);
    }

    @Test
    void aCallerThatHangsUpIsCountedAsCancelledByItsDisconnect() throws Exception {
        JsonNode before = stats();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/gizmos?delay=5000 HTTP/1.1\r\nHost: backend\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Await.until("the call arrived", Duration.ofSeconds(5),
                    () -> stats().get("inFlight").asLong() > before.get("inFlight").asLong());
        }

        Await.until("one more call cancelled", Duration.ofSeconds(5),
                () -> stats().get("cancelled").asLong() == before.get("cancelled").asLong() + 1);
        JsonNode after = stats();
        assertThat(after.at("/cancelledBy/CLIENT_DISCONNECT").asLong()).isEqualTo(before.at("/cancelledBy/CLIENT_DISCONNECT").asLong() + 1);
        assertThat(after.at("/resources/gizmos/cancelled").asLong()).isEqualTo(before.at("/resources/gizmos/cancelled").asLong() + 1);
        assertThat(after.get("completed").asLong()).isEqualTo(before.get("completed").asLong());
    }

    @Test
    void aCallPastItsPropagatedDeadlineIsCancelledByTheTimeout() throws Exception {
        JsonNode before = stats();

        // Baton-Timeout is a caller's remaining budget: the backend's own timer fires shortly after it
        Web.Timed res = Web.get(base, "/api/products?delay=3000", "Baton-Timeout", "100");

        assertThat(res.status()).isEqualTo(504);
        assertThat(res.elapsed()).isLessThan(Duration.ofMillis(2500));
        Await.until("one more call cancelled by TIMEOUT", Duration.ofSeconds(5),
                () -> stats().at("/cancelledBy/TIMEOUT").asLong() == before.at("/cancelledBy/TIMEOUT").asLong() + 1);
    }

    @Test
    void everyCallEndsExactlyOnceSoNothingIsLeftInFlight() throws Exception {
        Web.get(base, "/api/widgets?delay=0");
        Web.get(base, "/api/widgets?delay=0&failRate=1");

        Await.until("nothing in flight", Duration.ofSeconds(5), () -> stats().get("inFlight").asLong() == 0);
        JsonNode s = stats();
        assertThat(s.get("calls").asLong())
                .isEqualTo(s.get("completed").asLong() + s.get("failed").asLong() + s.get("cancelled").asLong());
        assertThat(s.at("/defaults/delay").asText()).isEqualTo("500");
    }
}
