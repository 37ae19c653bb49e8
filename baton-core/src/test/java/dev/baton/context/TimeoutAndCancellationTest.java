package dev.baton.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeoutAndCancellationTest {

    @Test
    void aRouteTimeoutAnswers504NearItsLimitAndCancelsTheTokenWithTimeout() throws Exception {
        CompletableFuture<CancellationReason> reason = new CompletableFuture<>();
        CompletableFuture<Object> stage = new CompletableFuture<>();
        // on the event loop the handler has run before its timer is armed; on a worker, a slow
        // machine could time it out while it still waits in the queue, and it would never run
        try (TestServer s = TestServer.start(r -> r.get("/slow", ctx -> {
            ctx.cancellation().onCancel(reason::complete);
            return stage;
        }).timeout(Duration.ofMillis(300)).execution(dev.baton.ExecutionModel.EVENT_LOOP))) {
            long start = System.nanoTime();
            HttpResponse<String> res = s.get("/slow");
            long ms = (System.nanoTime() - start) / 1_000_000;

            assertThat(res.statusCode()).isEqualTo(504);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(ms).isBetween(290L, 3000L);
            assertThat(reason.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.TIMEOUT);
            assertThat(stage).isCancelled();
            assertThat(s.server.stats().timedOut()).isEqualTo(1);
        }
    }

    @Test
    void aLateCompletionIsDroppedAndCounted() throws Exception {
        CompletableFuture<String> late = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<String>> lateFuture = new java.util.concurrent.atomic.AtomicReference<>();
        try (TestServer s = TestServer.start(r -> {
            // each result comes once its request has timed out, not after a fixed wait; each handler runs
            // before its timeout can fire: on the event loop (armed after the handler returned), or on a
            // worker with a timeout far past the time a loaded machine takes to hand it one
            r.get("/late-sync", ctx -> {
                // blocks past its timeout on purpose
                Await.until("/late-sync timed out", Duration.ofSeconds(5), ctx::isCompleted);
                return "too late";
            }).timeout(Duration.ofMillis(500));
            r.get("/late-stage", ctx -> late.minimalCompletionStage()).timeout(Duration.ofMillis(100))
                    .execution(dev.baton.ExecutionModel.EVENT_LOOP);
            r.get("/late-future", ctx -> lateFuture.get()).timeout(Duration.ofMillis(100))
                    .execution(dev.baton.ExecutionModel.EVENT_LOOP);
            r.get("/late-async", ctx -> CompletableFuture.supplyAsync(() -> {
                Await.until("/late-async timed out", Duration.ofSeconds(5), ctx::isCompleted);
                return "too late";
            })).timeout(Duration.ofMillis(100)).execution(dev.baton.ExecutionModel.EVENT_LOOP);
        })) {
            assertThat(s.get("/late-sync").statusCode()).isEqualTo(504);
            Await.until("late sync result counted", Duration.ofSeconds(5), () -> s.server.stats().lateCompletions() == 1);
            assertThat(s.get("/late-stage").statusCode()).isEqualTo(504);
            late.complete("too late");
            Await.until("late stage counted", Duration.ofSeconds(5), () -> s.server.stats().lateCompletions() == 2);
            // a CompletableFuture is cancelled, so its late complete() is refused: counted once, when cancelled
            CompletableFuture<String> cancelled = new CompletableFuture<>();
            lateFuture.set(cancelled);
            assertThat(s.get("/late-future").statusCode()).isEqualTo(504);
            assertThat(cancelled).isCancelled();
            assertThat(cancelled.complete("too late")).isFalse();
            assertThat(s.server.stats().lateCompletions()).isEqualTo(3);
            assertThat(s.get("/late-async").statusCode()).isEqualTo(504);
            Await.until("late supplyAsync counted", Duration.ofSeconds(5), () -> s.server.stats().lateCompletions() == 4);
        }
    }

    @Test
    void theGlobalTimeoutAppliesWhenTheRouteSetsNoneAndNoTimeoutDisablesIt() throws Exception {
        try (TestServer s = TestServer.start(c -> c.requestTimeout(Duration.ofMillis(200)).timeoutStatus(503), r -> {
            r.get("/global", ctx -> new CompletableFuture<>());
            r.get("/free", ctx -> CompletableFuture.supplyAsync(() -> "finished",
                    CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))).noTimeout();
        })) {
            HttpResponse<String> timedOut = s.get("/global");
            assertThat(timedOut.statusCode()).isEqualTo(503);
            assertThat(timedOut.headers().firstValue("Retry-After")).as("every 503 says when to retry").hasValue("1");
            assertThat(s.get("/free").body()).isEqualTo("finished");
        }
    }

    @ParameterizedTest(name = "reset: {0}")
    @ValueSource(booleans = {false, true})
    void aClientThatHangsUpOrResetsCancelsTheTokenWithClientDisconnect(boolean reset) throws Exception {
        CompletableFuture<CancellationReason> reason = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.get("/hang", ctx -> {
            ctx.cancellation().onCancel(reason::complete);
            started.complete(null);
            return new CompletableFuture<>();
        }))) {
            RawHttp raw = new RawHttp(s.port());
            raw.send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
            started.get(5, TimeUnit.SECONDS);
            if (reset) {
                raw.socket().setSoLinger(true, 0); // an RST, as a crashed client or a proxy sends, not a FIN
            }
            raw.close();
            assertThat(reason.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            Await.until("disconnect counted", Duration.ofSeconds(5), () -> s.server.stats().clientDisconnects() == 1
                    && s.server.stats().inFlight() == 0);
        }
    }

    @Test
    void theDeadlineReflectsTheRouteTimeoutAndACallersBatonTimeoutHeaderShortensIt() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/deadline",
                ctx -> String.valueOf(ctx.deadline().remaining().toMillis())).timeout(Duration.ofSeconds(10)))) {
            assertThat(Long.parseLong(s.get("/deadline").body())).isBetween(5_000L, 10_000L);
            var res = s.send(s.request("/deadline").header(Deadline.HEADER, "700").build());
            assertThat(Long.parseLong(res.body())).isBetween(1L, 700L);
            res = s.send(s.request("/deadline").header(Deadline.HEADER, "999999").build());
            assertThat(Long.parseLong(res.body())).isBetween(5_000L, 10_000L);
        }
    }

    @Test
    void cancellationCallbacksRunOnceEvenWhenRegisteredLate() {
        CancellationSource source = new CancellationSource();
        int[] calls = new int[2];
        source.onCancel(r -> calls[0]++);
        assertThat(source.cancel(CancellationReason.SHUTDOWN)).isTrue();
        assertThat(source.cancel(CancellationReason.TIMEOUT)).isFalse();
        source.onCancel(r -> calls[1]++);
        assertThat(calls).containsExactly(1, 1);
        assertThat(source.reason()).hasValue(CancellationReason.SHUTDOWN);
        var child = source.child();
        assertThat(child.isCancelled()).isTrue();
    }
}
