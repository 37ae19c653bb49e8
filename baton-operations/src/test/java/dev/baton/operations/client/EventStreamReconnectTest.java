package dev.baton.operations.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Server;
import dev.baton.client.HttpClient;
import dev.baton.http.EventStream;
import dev.baton.http.Response;
import dev.baton.http.SseEvent;
import dev.baton.testing.await.Await;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event stream's reconnection against a hand-written events route (plain Baton routes, no
 * operations module), which cuts its stream after a few events, as a proxy or a restart would.
 */
class EventStreamReconnectTest {
    record Report(int year, long rows) {
    }

    static final ObjectMapper JSON = new ObjectMapper();
    /** The operation's events, ids 1..7, the last one terminal. */
    static final List<Map<String, Object>> STATES = List.of(
            state("notStarted", 0, null), state("running", 0, null), state("running", 20, "a"),
            state("running", 40, "b"), state("running", 60, "c"), state("running", 80, "d"),
            withResult(state("succeeded", 100, "done"), Map.of("year", 2026, "rows", 42)));

    final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    final AtomicInteger openStreams = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();
    volatile int perConnection = 2;
    volatile boolean honourLastEventId = true;
    volatile boolean endAfterSending = true;
    Server server;
    HttpClient http;
    OperationsClient ops;

    static Map<String, Object> state(String status, int percent, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "op1");
        m.put("status", status);
        m.put("percentComplete", percent);
        if (message != null) {
            m.put("message", message);
        }
        return m;
    }

    static Map<String, Object> withResult(Map<String, Object> state, Object result) {
        state.put("result", result);
        return state;
    }

    @BeforeEach
    void start() {
        server = Server.builder().config(c -> c.port(0).host("127.0.0.1")).routing(r -> {
            r.get("/ops/{id}/events", ctx -> {
                String header = ctx.request().headers().first("Last-Event-ID").orElse("");
                lastEventIds.add(header);
                int after = honourLastEventId || header.isEmpty() ? (header.isEmpty() ? 0 : Integer.parseInt(header)) : 0;
                int upTo = Math.min(STATES.size(), (header.isEmpty() ? 0 : Integer.parseInt(header)) + perConnection);
                return EventStream.of(emitter -> {
                    openStreams.incrementAndGet();
                    emitter.onClose(openStreams::decrementAndGet);
                    CompletionStage<Void> sent = CompletableFuture.completedFuture(null);
                    for (int id = after + 1; id <= upTo; id++) {
                        SseEvent event = SseEvent.of(pretty(STATES.get(id - 1))).withId(String.valueOf(id))
                                .withEvent(id == STATES.size() ? "succeeded" : "progress");
                        SseEvent e = id == 1 ? event.withRetry(Duration.ofMillis(20)) : event;
                        sent = sent.thenCompose(v -> emitter.send(e));
                    }
                    if (endAfterSending) {
                        sent.whenComplete((v, error) -> emitter.close()); // cut, before the terminal event
                    }
                });
            });
            r.get("/ops/{id}", ctx -> {
                polls.incrementAndGet();
                return STATES.getLast();
            });
            r.delete("/ops/{id}", ctx -> {
                deletes.incrementAndGet();
                return Response.status(202).json(state("running", 80, "d"));
            });
        }).build().start();
        http = HttpClient.builder().eventLoopThreads(1).build();
        ops = OperationsClient.builder(http, URI.create("http://127.0.0.1:" + server.port() + "/ops"))
                .reconnectDelay(Duration.ofMillis(10)).reconnectAttempts(2).minPollInterval(Duration.ZERO).build();
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(Duration.ofMillis(200));
    }

    static String pretty(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value); // data over several lines
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<OperationProgress> expectedProgress() {
        List<OperationProgress> all = new ArrayList<>();
        for (Map<String, Object> s : STATES) {
            all.add(new OperationProgress("op1", OperationState.parse((String) s.get("status")), (Integer) s.get("percentComplete"),
                    (String) s.get("message")));
        }
        return all;
    }

    @Test
    void aCutStreamIsReopenedWithLastEventIdAndNoEventIsDeliveredTwice() throws Exception {
        List<OperationProgress> seen = new CopyOnWriteArrayList<>();
        Report report = ops.resume("op1", Report.class, seen::add).get(10, TimeUnit.SECONDS);

        assertThat(report).isEqualTo(new Report(2026, 42));
        assertThat(seen).containsExactlyElementsOf(expectedProgress());
        assertThat(lastEventIds).containsExactly("", "2", "4", "6");
        assertThat(polls).as("the stream sufficed").hasValue(0);
    }

    @Test
    void aServerThatReplaysEventsAlreadySentStillHasEachDeliveredOnce() throws Exception {
        honourLastEventId = false; // every connection starts over at event 1, and sends two more than before
        List<OperationProgress> seen = new CopyOnWriteArrayList<>();
        Report report = ops.resume("op1", Report.class, seen::add).get(10, TimeUnit.SECONDS);

        assertThat(report).isEqualTo(new Report(2026, 42));
        assertThat(seen).containsExactlyElementsOf(expectedProgress());
        assertThat(lastEventIds).containsExactly("", "2", "4", "6");
    }

    @Test
    void aStreamThatKeepsBreakingWithoutProgressGivesWayToPolling() throws Exception {
        perConnection = 0; // 200, text/event-stream, and at once the end: no event ever
        Report report = ops.resume("op1", Report.class).get(10, TimeUnit.SECONDS);

        assertThat(report).isEqualTo(new Report(2026, 42));
        assertThat(lastEventIds).as("the first connection and reconnectAttempts(2) more").hasSize(3);
        assertThat(polls).hasValue(1);
    }

    @Test
    void completingTheFutureAnotherWayClosesTheStreamEndsTheThreadAndCancelsNothing() throws Exception {
        endAfterSending = false;
        perConnection = 3; // up to running 20 %, then the stream stays open
        CompletableFuture<Thread> follower = new CompletableFuture<>();
        CompletableFuture<Report> report = ops.resume("op1", Report.class, p -> {
            if (p.percentComplete() == 20) {
                follower.complete(Thread.currentThread());
            }
        });
        Thread thread = follower.get(10, TimeUnit.SECONDS);
        Await.until("the stream is open", Duration.ofSeconds(5), () -> openStreams.get() == 1);

        report.orTimeout(1, TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> report.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        Await.until("the server saw the stream close", Duration.ofSeconds(5), () -> openStreams.get() == 0);
        assertThat(thread.join(Duration.ofSeconds(5))).as("the follow's thread ended").isTrue();
        assertThat(thread.isVirtual()).isTrue();
        assertThat(deletes).as("a timeout is no cancel").hasValue(0);
    }

    @Test
    void cancellingTheFutureSendsOneDeleteAndClosesTheStream() throws Exception {
        endAfterSending = false;
        perConnection = 3;
        CompletableFuture<Void> running = new CompletableFuture<>();
        CompletableFuture<Report> report = ops.resume("op1", Report.class, p -> {
            if (p.percentComplete() == 20) {
                running.complete(null);
            }
        });
        running.get(10, TimeUnit.SECONDS);

        report.cancel(true);
        report.cancel(true);

        assertThatThrownBy(() -> report.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        Await.until("the DELETE arrived", Duration.ofSeconds(5), () -> deletes.get() == 1);
        Await.until("the server saw the stream close", Duration.ofSeconds(5), () -> openStreams.get() == 0);
        assertThat(deletes).hasValue(1);
    }
}
