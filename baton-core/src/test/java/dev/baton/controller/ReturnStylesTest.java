package dev.baton.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.context.RequestContext;
import dev.baton.http.HttpException;
import dev.baton.testing.await.Await;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReturnStylesTest {
    /** Stands in for a callback library's own threads. */
    static final ExecutorService callbacks = Executors.newFixedThreadPool(2, r -> new Thread(r, "callback-library"));

    static ControllerServer server;
    static final Styles styles = new Styles();

    @BeforeAll
    static void start() {
        // one worker: a second request can only run if the first released its thread
        server = ControllerServer.start(b -> b.config(c -> c.workerThreads(1)), styles);
    }

    @AfterAll
    static void stop() {
        server.close();
        callbacks.shutdownNow();
    }

    record Threads(Thread action, Thread completion) {
    }

    record Portal(List<String> news, String weather) {
    }

    @Controller("/styles")
    public static class Styles {
        final AtomicReference<Threads> threads = new AtomicReference<>();
        final CountDownLatch recorded = new CountDownLatch(1);
        final CompletableFuture<String> released = new CompletableFuture<>();
        final CompletableFuture<Boolean> secondCompleteAccepted = new CompletableFuture<>();
        final AtomicReference<Thread> stageAction = new AtomicReference<>();
        final CompletableFuture<Thread> stageCompletion = new CompletableFuture<>();

        @Get("/value")
        public String value(RequestContext ctx) {
            Thread action = Thread.currentThread();
            ctx.onComplete(outcome -> {
                threads.set(new Threads(action, Thread.currentThread()));
                recorded.countDown();
            });
            return "inline";
        }

        @Get("/void")
        public void nothing() {
        }

        @Get("/stage")
        public CompletionStage<String> stage(RequestContext ctx) {
            stageAction.set(Thread.currentThread());
            ctx.onComplete(outcome -> stageCompletion.complete(Thread.currentThread()));
            return released.thenApplyAsync(s -> s + " later", callbacks);
        }

        @Get("/null-stage")
        public CompletionStage<String> nullStage() {
            return null;
        }

        @Get("/responder")
        public void responder(Responder responder) {
            callbacks.execute(() -> {
                responder.complete("called back on " + Thread.currentThread().getName());
                secondCompleteAccepted.complete(responder.complete("again"));
            });
        }

        @Get("/responder-fails")
        public void responderFails(Responder responder) {
            callbacks.execute(() -> responder.fail(new HttpException(409, "the legacy library said no")));
        }

        @Get("/responder-throws")
        public void responderThrows(Responder responder) {
            throw new HttpException(422, "thrown before any callback");
        }

        @Get("/portal")
        public void portal(AsyncOperations ops) {
            ops.increment(2);
            callbacks.execute(() -> {
                ops.parameters().put("news", List.of("rain expected", "markets up"));
                ops.decrement();
            });
            callbacks.execute(() -> {
                ops.parameters().put("weather", "rain");
                ops.decrement();
            });
        }

        public Portal portalCompleted(List<String> news, String weather) {
            return new Portal(news, weather);
        }

        final CountDownLatch slowOperation = new CountDownLatch(1);
        final CompletableFuture<Integer> pendingWhileRunning = new CompletableFuture<>();

        @Get("/ops-fail")
        public void opsFail(AsyncOperations ops, RequestContext ctx) {
            ops.increment(2);
            pendingWhileRunning.complete(ctx.pendingWork().pending());
            callbacks.execute(() -> ops.fail(new HttpException(409, "the first operation failed")));
            callbacks.execute(() -> {
                try {
                    slowOperation.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ops.decrement(); // too late: the response went without it
            });
        }

        public String opsFailCompleted() {
            return "never";
        }

        @Get("/headline")
        public void headline(AsyncOperations ops) {
            ops.parameters().put("title", "nothing to wait for");
        }

        @Completed("headline")
        public String render(String title, RequestContext ctx, AsyncOperations ops) {
            return title + " at " + ctx.request().path() + " (" + ops.parameters().keySet() + ")";
        }

        @Get("/mistyped")
        public void mistyped(AsyncOperations ops) {
            ops.parameters().put("count", "three");
        }

        public int mistypedCompleted(int count) {
            return count;
        }
    }

    @Test
    void aPlainValueIsWrittenOnTheThreadThatRanTheAction() throws Exception {
        var res = server.get("/styles/value");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("inline");
        assertThat(styles.recorded.await(5, TimeUnit.SECONDS)).isTrue();
        Threads t = styles.threads.get();
        assertThat(t.completion()).isSameAs(t.action());
        assertThat(t.action().getName()).startsWith("baton-worker-");
    }

    @Test
    void aVoidActionAnswersNoContent() throws Exception {
        assertThat(server.get("/styles/void").statusCode()).isEqualTo(204);
    }

    @Test
    void aCompletionStageReleasesTheThreadAndCompletesOnAnother() throws Exception {
        var pending = server.getAsync("/styles/stage");
        // /stage must have run before its stage is released: completed first, the stage would be
        // done when the action returns, and done stages are (rightly) finished with no hop
        Await.until("the stage action ran", java.time.Duration.ofSeconds(5),
                () -> styles.stageAction.get() != null);
        // the only worker is free while the stage is pending, so another request gets through
        assertThat(server.get("/styles/value").body()).isEqualTo("inline");
        assertThat(pending).isNotDone();
        styles.released.complete("answered");
        var res = pending.get(10, TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("answered later");
        Thread completion = styles.stageCompletion.get(5, TimeUnit.SECONDS);
        assertThat(completion).isNotSameAs(styles.stageAction.get());
        assertThat(completion.getName()).isEqualTo("callback-library");
    }

    @Test
    void aNullStageIsAServerErrorNamingTheAction() throws Exception {
        var res = server.get("/styles/null-stage");
        assertThat(res.statusCode()).isEqualTo(500);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void aResponderAnswersFromTheCallbackThreadAndIgnoresASecondCall() throws Exception {
        var res = server.get("/styles/responder");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("called back on callback-library");
        assertThat(styles.secondCompleteAccepted.get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aResponderCanFailTheRequest() throws Exception {
        var res = server.get("/styles/responder-fails");
        assertThat(res.statusCode()).isEqualTo(409);
        assertThat(res.body()).contains("the legacy library said no");
    }

    @Test
    void anExceptionThrownByAResponderActionIsItsAnswer() throws Exception {
        var res = server.get("/styles/responder-throws");
        assertThat(res.statusCode()).isEqualTo(422);
        assertThat(res.body()).contains("thrown before any callback");
    }

    @Test
    void operationsCountedOnAsyncOperationsArePendingWorkAndReportedWhenAbandoned() throws Exception {
        long before = server.server.stats().safetyNets().pendingAtCompletion();
        try {
            var res = server.get("/styles/ops-fail");
            assertThat(res.statusCode()).isEqualTo(409);
            assertThat(styles.pendingWhileRunning.get(5, TimeUnit.SECONDS)).isEqualTo(2);
            // the failed operation is over; the other was still running when the response went
            assertThat(server.server.stats().safetyNets().pendingAtCompletion()).isEqualTo(before + 1);
        } finally {
            styles.slowOperation.countDown();
        }
    }

    @Test
    void asyncOperationsRunTheCompletionMethodWithTheParametersByName() throws Exception {
        var res = server.get("/styles/portal");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"news\":[\"rain expected\",\"markets up\"],\"weather\":\"rain\"}");
    }

    @Test
    void aCompletionMethodMarkedCompletedRunsAtOnceWhenNothingIsOutstanding() throws Exception {
        var res = server.get("/styles/headline");
        assertThat(res.statusCode()).isEqualTo(200);
        // AsyncOperations is injected, as the context is: its parameters, all of them
        assertThat(res.body()).isEqualTo("nothing to wait for at /styles/headline ([title])");
    }

    @Test
    void aParameterOfTheWrongTypeIsAServerErrorNotAClassCastInTheAction() throws Exception {
        var res = server.get("/styles/mistyped");
        assertThat(res.statusCode()).isEqualTo(500);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
}
