package dev.baton.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Tracing;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadTraceTest {

    @Test
    void theTraceShowsAnotherThreadCompletingAnAsyncRequestAndTheSameThreadForASyncOne() throws Exception {
        ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completer"));
        try (TestServer s = TestServer.start(c -> c.tracing(Tracing.ON_REQUEST), r -> {
            r.get("/async", ctx -> {
                CompletableFuture<String> later = new CompletableFuture<>();
                // completed on the completer 100 ms on, and not before the server awaits the stage: done
                // before the worker returned it (a slow machine), it is rightly answered on the worker,
                // with no await stage and no other thread in the trace
                CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS, completer).execute(() -> {
                    Await.until("the server awaits the stage", Duration.ofSeconds(5), () -> later.getNumberOfDependents() > 0);
                    later.complete("later");
                });
                return later;
            });
            r.get("/sync", ctx -> "now");
        })) {
            var async = s.send(s.request("/async").header(Tracing.HEADER, "1").build());
            String timing = async.headers().firstValue("Server-Timing").orElseThrow();
            assertThat(timing).contains("accept;dur=", "desc=\"baton-io", "queue;dur=", "action;dur=",
                    "await;dur=", "desc=\"no thread\"", "complete;dur=", "desc=\"test-completer\"");
            assertThat(timing).containsPattern("action;dur=[0-9.]+;desc=\"baton-worker-\\d+\"");
            assertThat(timing).containsPattern("write;dur=[0-9.]+;desc=\"baton-io-[0-9-]+\"$");

            var sync = s.send(s.request("/sync").header(Tracing.HEADER, "1").build());
            String syncTiming = sync.headers().firstValue("Server-Timing").orElseThrow();
            String actionThread = between(syncTiming, "action;dur=", ",");
            String completeThread = between(syncTiming, "complete;dur=", ",");
            assertThat(thread(actionThread)).isEqualTo(thread(completeThread)).startsWith("baton-worker-");
            assertThat(syncTiming).doesNotContain("await");

            assertThat(s.get("/sync").headers().firstValue("Server-Timing")).isEmpty();
        } finally {
            completer.shutdown();
        }
    }

    @Test
    void middlewareAndActionAreSeparateStagesOfTheTrace() throws Exception {
        try (TestServer s = TestServer.start(c -> c.tracing(Tracing.ALWAYS), r -> {
            r.use((ctx, next) -> next.proceed());
            r.get("/mw", ctx -> "ok");
        })) {
            String timing = s.get("/mw").headers().firstValue("Server-Timing").orElseThrow();
            assertThat(timing).containsSubsequence("accept;", "queue;", "middleware;", "action;", "complete;", "write;");
            assertThat(timing.split("action;")).hasSize(2);
        }
    }

    @Test
    void perRouteFiguresSetThreadHoldTimeAgainstWallTime() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            // long enough that the few ms a loaded machine adds to a request (a late worker, a
            // descheduled thread) do not move either ratio across its bound
            r.get("/async", ctx -> CompletableFuture.supplyAsync(() -> "later",
                    CompletableFuture.delayedExecutor(400, TimeUnit.MILLISECONDS)));
            r.get("/blocking", ctx -> {
                Thread.sleep(400); // holds its thread on purpose
                return "done";
            });
        })) {
            for (int i = 0; i < 3; i++) {
                s.get("/async");
                s.get("/blocking");
            }
            var routes = s.server.stats().routes();
            var async = routes.get("GET /async");
            var blocking = routes.get("GET /blocking");
            assertThat(async.meanMillis()).isGreaterThan(390);
            assertThat(async.threadHoldRatio()).isLessThan(0.3);
            assertThat(blocking.threadHoldRatio()).isGreaterThan(0.8);
        }
    }

    @Test
    void aThreadNameIsQuotedSafelyInServerTiming() throws Exception {
        ExecutorService odd = Executors.newSingleThreadExecutor(r -> new Thread(r, "pool \"x\" \\ \u00e9\u7dda"));
        try (TestServer s = TestServer.start(c -> c.tracing(Tracing.ALWAYS), r -> r.get("/odd", ctx -> {
            CompletableFuture<String> later = new CompletableFuture<>();
            odd.execute(() -> {
                Await.until("the server awaits the stage", Duration.ofSeconds(5), () -> later.getNumberOfDependents() > 0);
                later.complete("odd");
            });
            return later;
        }))) {
            String timing = s.get("/odd").headers().firstValue("Server-Timing").orElseThrow();
            // RFC 9110 5.6.4 quoted-pairs for '"' and '\\'; what is not visible ASCII becomes '?'
            assertThat(timing).contains("desc=\"pool \\\"x\\\" \\\\ ??\"");
            assertThat(timing.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)).isTrue();
        } finally {
            odd.shutdown();
        }
    }

    @Test
    void aHandlerThatBlocksPastItsTimeoutStillShowsTheThreadItHeld() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/overrun", ctx -> {
            Thread.sleep(600); // blocks past its timeout on purpose
            return "too late";
        }).timeout(java.time.Duration.ofMillis(100)))) {
            assertThat(s.get("/overrun").statusCode()).isEqualTo(504);
            // the thread comes back (its late result is counted) 600 ms in: by then its hold is the route's
            Await.until("the handler returned", Duration.ofSeconds(5), () -> s.server.stats().lateCompletions() == 1);
            var overrun = s.server.stats().routes().get("GET /overrun");
            assertThat(overrun.meanThreadHoldMillis()).isGreaterThan(500);
            assertThat(overrun.threadHoldRatio()).isEqualTo(1.0); // held all the while: nothing async about it
        }
    }

    private static String between(String s, String start, String end) {
        int i = s.indexOf(start);
        int j = end == null ? s.length() : s.indexOf(end, i);
        return s.substring(i, j < 0 ? s.length() : j);
    }

    private static String thread(String stage) {
        return stage.substring(stage.indexOf("desc=\"") + 6, stage.lastIndexOf('"'));
    }
}
