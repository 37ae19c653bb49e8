package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.context.CancellationReason;
import dev.baton.http.HttpException;
import dev.baton.operations.support.OpsServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryAndShutdownTest {

    @Test
    void aRetryableTypeRunsAgainAfterAFailureAndSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        try (OpsServer server = OpsServer.start(Operations.builder()
                .type(OperationType.of("flaky", Void.class, (in, op) -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw new IllegalStateException("backend hiccup " + op.attempt());
                    }
                    return "ok on " + op.attempt();
                }).retry(3, Duration.ofMillis(20)))
                .build())) {
            String id = server.post("/operations/flaky", "").json().path("id").asText();
            JsonNode done = server.awaitTerminal(id, Duration.ofSeconds(10));
            assertThat(done.path("status").asText()).isEqualTo("succeeded");
            assertThat(done.path("result").asText()).isEqualTo("ok on 3");
            assertThat(done.path("attempts").asInt()).isEqualTo(3);
            assertThat(server.operations.stats().retried()).isEqualTo(2);
        }
    }

    @Test
    void aRetryableTypeThatKeepsFailingSaysHowManyAttemptsItHad() {
        try (OpsServer server = OpsServer.start(Operations.builder()
                .type(OperationType.of("broken", Void.class, (in, op) -> {
                    throw new HttpException(502, "the backend is down");
                }).retry(2, Duration.ZERO))
                .build())) {
            JsonNode done = server.awaitTerminal(server.post("/operations/broken", "").json().path("id").asText(), Duration.ofSeconds(10));
            assertThat(done.path("status").asText()).isEqualTo("failed");
            assertThat(done.path("attempts").asInt()).isEqualTo(2);
            assertThat(done.path("error").path("status").asInt()).isEqualTo(502);
            assertThat(done.path("error").path("detail").asText()).contains("the backend is down").contains("2 attempts");
        }
    }

    @Test
    void aCancelDuringARetrysBackoffEndsItWithNoFurtherAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        try (OpsServer server = OpsServer.start(Operations.builder()
                .type(OperationType.of("flaky", Void.class, (in, op) -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("down");
                }).retry(5, Duration.ofSeconds(2)))
                .build())) {
            String id = server.post("/operations/flaky", "").json().path("id").asText();
            server.awaitStatus(id, "notStarted");
            Await.until("first attempt failed", Duration.ofSeconds(10), () -> attempts.get() >= 1);
            assertThat(server.delete("/operations/" + id).status()).isEqualTo(202);
            JsonNode done = server.awaitTerminal(id, Duration.ofSeconds(10));
            assertThat(done.path("status").asText()).isEqualTo("canceled");
            int seen = attempts.get();
            assertThat(seen).isLessThanOrEqualTo(2);
            assertThat(server.operations.stats().canceled()).isEqualTo(1);
        }
    }

    @Test
    void aGracefulStopLetsShortWorkFinishThenCancelsTheRestWithShutdown() throws Exception {
        CompletableFuture<CancellationReason> why = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        Operations ops = Operations.builder()
                .type(OperationType.of("long", Void.class, (in, op) -> {
                    op.cancellation().onCancel(why::complete);
                    return op.cancellation().whenCancelled().thenApply(w -> "never");
                }))
                .type(OperationType.of("short", Void.class, (in, op) -> release.thenApply(v -> "finished in the grace")))
                .config(c -> c.cancelGrace(Duration.ofMillis(500)))
                .build();
        OpsServer server = OpsServer.start(ops);
        String longId = server.post("/operations/long", "").json().path("id").asText();
        String shortId = server.post("/operations/short", "").json().path("id").asText();
        server.awaitStatus(longId, "running");
        server.awaitStatus(shortId, "running");
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> server.server.stop(Duration.ofSeconds(1)));
        Await.until("stop began", Duration.ofSeconds(5), () -> !stopped.isDone());
        release.complete(null);
        stopped.get(20, TimeUnit.SECONDS);
        assertThat(why.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.SHUTDOWN);
        OperationsStats stats = ops.stats();
        assertThat(stats.succeeded()).isEqualTo(1);
        assertThat(stats.canceled()).isEqualTo(1);
        assertThat(stats.running()).isZero();
    }
}
