package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.http.HttpException;
import dev.baton.operations.support.Gates;
import dev.baton.operations.support.OpsServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperationLifecycleTest {
    record ReportRequest(String name, int months) { }
    record Report(String name, int rows) { }

    private final Gates gates = new Gates();
    private final AtomicInteger runs = new AtomicInteger();
    private OpsServer server;

    private OpsServer start(java.util.function.Consumer<OperationsConfig.Builder> config) {
        server = OpsServer.start(Operations.builder()
                .type(OperationType.of("report", ReportRequest.class, (in, op) -> {
                    runs.incrementAndGet();
                    gates.await("start");
                    for (int m = 1; m <= in.months(); m++) {
                        op.progress(m * 100 / in.months(), "month " + m);
                        gates.await("month" + m);
                    }
                    return new Report(in.name(), in.months() * 10);
                }))
                .type(OperationType.of("async", Void.class, (in, op) -> gates.gate("async").thenApply(v -> "done async")))
                .type(OperationType.of("boom", Void.class, (in, op) -> {
                    throw new HttpException(422, "the numbers do not add up");
                }))
                .type(OperationType.of("crash", Void.class, (in, op) -> {
                    throw new IllegalStateException("secret internal detail");
                }))
                .config(c -> { c.cancelGrace(Duration.ofMillis(300)); config.accept(c); })
                .build());
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPostAnswers202WithWhereToPollAndTheOperationRunsToItsResult() {
        start(c -> { });
        OpsServer.Reply created = server.post("/operations/report", "{\"name\":\"q4\",\"months\":2}");
        assertThat(created.status()).isEqualTo(202);
        String id = created.json().path("id").asText();
        assertThat(id).hasSize(22).matches("[A-Za-z0-9_-]+");
        assertThat(created.header("Location")).isEqualTo("/operations/" + id);
        assertThat(created.header("Operation-Location")).isEqualTo("http://127.0.0.1:" + server.port() + "/operations/" + id);
        assertThat(created.header("Retry-After")).isEqualTo("1");
        assertThat(created.header("Content-Type")).startsWith("application/json");
        assertThat(created.json().path("type").asText()).isEqualTo("report");
        assertThat(created.json().path("status").asText()).isIn("notStarted", "running");

        awaitStatus(id, "running");
        gates.open("start");
        awaitPercent(id, 50);
        OpsServer.Reply mid = server.get("/operations/" + id);
        assertThat(mid.json().path("message").asText()).isEqualTo("month 1");
        assertThat(mid.header("Retry-After")).isEqualTo("1");
        assertThat(mid.json().path("attempts").asInt()).isEqualTo(1);
        assertThat(mid.json().has("startedAt")).isTrue();
        assertThat(mid.json().has("result")).isFalse();

        gates.open("month1");
        gates.open("month2");
        JsonNode done = server.awaitTerminal(id, Duration.ofSeconds(10));
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("percentComplete").asInt()).isEqualTo(100);
        assertThat(done.path("result").path("name").asText()).isEqualTo("q4");
        assertThat(done.path("result").path("rows").asInt()).isEqualTo(20);
        assertThat(done.has("finishedAt")).isTrue();
        assertThat(done.has("error")).isFalse();
        assertThat(server.get("/operations/" + id).header("Retry-After")).isNull();

        OperationsStats stats = server.operations.stats();
        assertThat(stats.created()).isEqualTo(1);
        assertThat(stats.succeeded()).isEqualTo(1);
        assertThat(stats.running()).isZero();
        assertThat(stats.queued()).isZero();
        assertThat(stats.maxMillis()).isPositive();
    }

    @Test
    void anAsynchronousHandlerCompletesItsOperationWhenItsStageDoes() {
        start(c -> { });
        String id = server.post("/operations/async", "").json().path("id").asText();
        awaitStatus(id, "running");
        gates.open("async");
        JsonNode done = server.awaitTerminal(id, Duration.ofSeconds(10));
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("result").asText()).isEqualTo("done async");
    }

    @Test
    void aFailureIsAProblemThatSaysWhatTheHandlerChoseToSayAndNoMore() {
        start(c -> { });
        JsonNode boom = server.awaitTerminal(server.post("/operations/boom", "").json().path("id").asText(), Duration.ofSeconds(10));
        assertThat(boom.path("status").asText()).isEqualTo("failed");
        assertThat(boom.path("error").path("status").asInt()).isEqualTo(422);
        assertThat(boom.path("error").path("detail").asText()).isEqualTo("the numbers do not add up");

        JsonNode crash = server.awaitTerminal(server.post("/operations/crash", "").json().path("id").asText(), Duration.ofSeconds(10));
        assertThat(crash.path("status").asText()).isEqualTo("failed");
        assertThat(crash.path("error").path("status").asInt()).isEqualTo(500);
        assertThat(crash.toString()).doesNotContain("secret internal detail");
        assertThat(server.operations.stats().failed()).isEqualTo(2);
    }

    @Test
    void badInputOnCreateIsAClearProblemNeverA500() {
        start(c -> c.maxInputSize(100));
        OpsServer.Reply unknown = server.post("/operations/nope", "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
        assertThat(unknown.json().path("detail").asText()).contains("report");

        assertThat(server.post("/operations/report", "{not json").status()).isEqualTo(400);
        assertThat(server.post("/operations/report", "{\"months\":\"many\"}").status()).isEqualTo(400);
        assertThat(server.post("/operations/report", "").status()).isEqualTo(400);
        assertThat(server.send(server.request("/operations/report").header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("hello")).build()).status()).isEqualTo(415);
        OpsServer.Reply large = server.post("/operations/report", "{\"name\":\"" + "x".repeat(200) + "\",\"months\":1}");
        assertThat(large.status()).isEqualTo(413);
        assertThat(large.json().path("status").asInt()).isEqualTo(413);
        assertThat(server.post("/operations/async", "{\"unexpected\":1}").status()).isEqualTo(400);
        assertThat(server.send(server.request("/operations/async").header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build()).status()).isEqualTo(415);
        assertThat(runs.get()).isZero();
    }

    @Test
    void malformedIdsAreA400AndUnknownOnesA404OnEveryEndpoint() {
        start(c -> { });
        for (String path : new String[] {"/operations/not-an-id", "/operations/not-an-id/events"}) {
            OpsServer.Reply r = server.get(path);
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(server.delete("/operations/not-an-id").status()).isEqualTo(400);
        String unknown = dev.baton.operations.internal.OperationIds.next();
        assertThat(server.get("/operations/" + unknown).status()).isEqualTo(404);
        assertThat(server.get("/operations/" + unknown + "/events").status()).isEqualTo(404);
        assertThat(server.delete("/operations/" + unknown).status()).isEqualTo(404);
    }

    @Test
    void theQueueIsBoundedAndAFullOneAnswers503WithRetryAfter() {
        start(c -> c.maxRunning(1).maxQueued(2));
        String first = server.post("/operations/report", "{\"name\":\"a\",\"months\":1}").json().path("id").asText();
        awaitStatus(first, "running");
        assertThat(server.post("/operations/report", "{\"name\":\"b\",\"months\":1}").status()).isEqualTo(202);
        assertThat(server.post("/operations/report", "{\"name\":\"c\",\"months\":1}").status()).isEqualTo(202);
        OpsServer.Reply full = server.post("/operations/report", "{\"name\":\"d\",\"months\":1}");
        assertThat(full.status()).isEqualTo(503);
        assertThat(full.header("Retry-After")).isNotNull();
        assertThat(full.header("Content-Type")).startsWith("application/problem+json");
        assertThat(server.operations.stats().rejected()).isEqualTo(1);
        assertThat(server.operations.stats().queued()).isEqualTo(2);
        gates.open("start");
        gates.open("month1");
        assertThat(server.post("/operations/report", "{\"name\":\"e\",\"months\":1}").status()).isIn(202, 503);
    }

    @Test
    void anETagLetsAPollerSkipWhatItHasSeenAndPreferWaitLongPollsForTheNextChange() throws Exception {
        start(c -> { });
        String id = server.post("/operations/report", "{\"name\":\"q\",\"months\":2}").json().path("id").asText();
        awaitStatus(id, "running");
        OpsServer.Reply seen = server.get("/operations/" + id);
        String etag = seen.header("ETag");
        assertThat(etag).matches("\"[0-9]+\"");
        OpsServer.Reply same = server.get("/operations/" + id, "If-None-Match", etag);
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();

        long t0 = System.nanoTime();
        CompletableFuture<OpsServer.Reply> waiting = server.sendAsync(OpsServer.with(server.request("/operations/" + id),
                "If-None-Match", etag, "Prefer", "wait=20").GET().build());
        // the long poll is still open: nothing has changed yet
        assertThat(waiting).isNotDone();
        gates.open("start");
        OpsServer.Reply changed = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
        assertThat(changed.json().path("percentComplete").asInt()).isEqualTo(50);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));

        // nothing changes within the wait: 304 after it
        OpsServer.Reply quiet = server.get("/operations/" + id, "If-None-Match", changed.header("ETag"), "Prefer", "wait=1");
        assertThat(quiet.status()).isEqualTo(304);
        assertThat(server.get("/operations/" + id, "Prefer", "wait=soon").status()).isEqualTo(400);
        assertThat(server.get("/operations/" + id, "Prefer", "wait=-1").status()).isEqualTo(400);
        assertThat(server.get("/operations/" + id, "Prefer", "handling=lenient").status()).isEqualTo(200);
        // RFC 7240 2: the first instance of a preference counts, later ones are ignored, even malformed
        long t1 = System.nanoTime();
        OpsServer.Reply first = server.get("/operations/" + id, "If-None-Match", changed.header("ETag"),
                "Prefer", "wait=1, wait=30, wait=soon");
        assertThat(first.status()).isEqualTo(304);
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(10));
        // a comma inside another preference's quoted value does not split it; a huge wait is capped, not refused
        assertThat(server.get("/operations/" + id, "Prefer", "foo=\"a,wait=x\", wait=0").status()).isEqualTo(200);
        assertThat(server.get("/operations/" + id, "If-None-Match", "\"0\"", "Prefer", "wait=99999999999999999999").status())
                .isEqualTo(200); // a client behind the current state is answered at once
    }

    @Test
    void aLongPollEndsWithinTheCallersPropagatedBudgetNotWithA500() {
        start(c -> { });
        String id = server.post("/operations/report", "{\"name\":\"q\",\"months\":1}").json().path("id").asText();
        awaitStatus(id, "running");
        String etag = server.get("/operations/" + id).header("ETag");
        long t0 = System.nanoTime();
        OpsServer.Reply r = server.get("/operations/" + id, "If-None-Match", etag, "Prefer", "wait=10", "Baton-Timeout", "800");
        assertThat(r.status()).isEqualTo(304);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    private void awaitStatus(String id, String status) {
        Await.until("status " + status, Duration.ofSeconds(10),
                () -> server.get("/operations/" + id).json().path("status").asText().equals(status));
    }

    private void awaitPercent(String id, int percent) {
        Await.until("percent " + percent, Duration.ofSeconds(10),
                () -> server.get("/operations/" + id).json().path("percentComplete").asInt() == percent);
    }
}
