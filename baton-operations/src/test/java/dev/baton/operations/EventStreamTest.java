package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.operations.support.Gates;
import dev.baton.operations.support.OpsServer;
import dev.baton.operations.support.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventStreamTest {
    private final Gates gates = new Gates();
    private OpsServer server;

    @BeforeEach
    void start() {
        server = OpsServer.start(Operations.builder()
                .type(OperationType.of("steps", Integer.class, (n, op) -> {
                    for (int i = 1; i <= n; i++) {
                        gates.await("step" + i);
                        op.progress(i * 100 / (n + 1), "step " + i);
                    }
                    gates.await("end");
                    return "all " + n;
                }))
                .config(c -> c.progressInterval(Duration.ZERO).cancelGrace(Duration.ofMillis(200)))
                .build());
    }

    @AfterEach
    void stop() {
        gates.open("end");
        server.close();
    }

    @Test
    void aStreamReplaysFromTheStartFollowsLiveAndEndsAfterTheTerminalEvent() throws Exception {
        String id = server.post("/operations/steps", "2").json().path("id").asText();
        try (SseClient sse = new SseClient(server.port(), "/operations/" + id + "/events")) {
            assertThat(sse.status).isEqualTo(200);
            SseClient.Event created = sse.next();
            assertThat(created.event()).isEqualTo("status");
            assertThat(created.idNumber()).isEqualTo(1);
            assertThat(OpsServer.JSON.readTree(created.data()).path("status").asText()).isEqualTo("notStarted");
            SseClient.Event started = sse.next();
            assertThat(started.event()).isEqualTo("status");
            assertThat(OpsServer.JSON.readTree(started.data()).path("status").asText()).isEqualTo("running");
            gates.open("step1");
            SseClient.Event p1 = sse.next();
            assertThat(p1.event()).isEqualTo("progress");
            assertThat(OpsServer.JSON.readTree(p1.data()).path("percentComplete").asInt()).isEqualTo(33);
            gates.open("step2");
            assertThat(sse.next().event()).isEqualTo("progress");
            gates.open("end");
            List<SseClient.Event> rest = sse.rest();
            assertThat(rest).extracting(SseClient.Event::event).containsExactly("succeeded");
            assertThat(rest.getFirst().idNumber()).isEqualTo(5);
            var done = OpsServer.JSON.readTree(rest.getFirst().data());
            assertThat(done.path("result").asText()).isEqualTo("all 2");
            assertThat(done.path("percentComplete").asInt()).isEqualTo(100);
            assertThat(done.path("message").asText()).isEqualTo("step 2");
        }
    }

    @Test
    void aStreamCutMidwayResumesWithLastEventIdWithNoGapAndNothingTwice() throws Exception {
        String id = server.post("/operations/steps", "4").json().path("id").asText();
        List<Long> seen = new ArrayList<>();
        try (SseClient first = new SseClient(server.port(), "/operations/" + id + "/events")) {
            seen.add(first.next().idNumber());
            seen.add(first.next().idNumber());
            gates.open("step1");
            seen.add(first.next().idNumber());
        } // cut
        gates.open("step2"); // happens while no one listens
        server.awaitPercent(id, 40);
        try (SseClient second = new SseClient(server.port(), "/operations/" + id + "/events", "Last-Event-ID",
                Long.toString(seen.getLast()))) {
            SseClient.Event missed = second.next();
            assertThat(OpsServer.JSON.readTree(missed.data()).path("message").asText()).isEqualTo("step 2");
            seen.add(missed.idNumber());
            gates.open("step3");
            seen.add(second.next().idNumber());
            gates.open("step4");
            seen.add(second.next().idNumber());
            gates.open("end");
            second.rest().forEach(e -> seen.add(e.idNumber()));
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void aStreamOpenedAfterTheEndGetsWhatItMissedAndTheTerminalEventAtOnce() throws Exception {
        String id = server.post("/operations/steps", "1").json().path("id").asText();
        gates.open("step1");
        server.awaitPercent(id, 50);
        gates.open("end");
        server.awaitTerminal(id, Duration.ofSeconds(10));
        try (SseClient late = new SseClient(server.port(), "/operations/" + id + "/events", "Last-Event-ID", "3")) {
            List<SseClient.Event> events = late.rest();
            assertThat(events).extracting(SseClient.Event::event).containsExactly("succeeded");
            assertThat(events.getFirst().idNumber()).isEqualTo(4);
        }
        try (SseClient browser = new SseClient(server.port(), "/operations/" + id + "/events?lastEventId=2")) {
            assertThat(browser.rest()).extracting(SseClient.Event::idNumber).containsExactly(3L, 4L);
        }
        // one that has seen the end is told to stop reconnecting
        assertThat(server.get("/operations/" + id + "/events", "Last-Event-ID", "4").status()).isEqualTo(204);
    }

    @Test
    void aBadLastEventIdIs400() {
        String id = server.post("/operations/steps", "1").json().path("id").asText();
        assertThat(server.get("/operations/" + id + "/events", "Last-Event-ID", "abc").status()).isEqualTo(400);
        assertThat(server.get("/operations/" + id + "/events", "Last-Event-ID", "-1").status()).isEqualTo(400);
        assertThat(server.get("/operations/" + id + "/events", "Last-Event-ID", "99").status()).isEqualTo(400);
        assertThat(server.get("/operations/" + id + "/events?lastEventId=1e3").status()).isEqualTo(400);
        // digits of other scripts are not numbers here (Arabic-Indic three, fullwidth three)
        assertThat(server.get("/operations/" + id + "/events?lastEventId=%D9%A3").status()).isEqualTo(400);
        assertThat(server.get("/operations/" + id + "/events?lastEventId=%EF%BC%93").status()).isEqualTo(400);
    }
}
