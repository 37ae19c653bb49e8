package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadHopTest {

    @Test
    void aSyncHandlersResponseIsCompletedOnTheThreadThatRanIt() throws Exception {
        AtomicReference<Thread> ran = new AtomicReference<>();
        AtomicReference<Thread> completed = new AtomicReference<>();
        try (TestServer s = TestServer.start(r -> r.get("/sync", ctx -> {
            ran.set(Thread.currentThread());
            ctx.onComplete(o -> completed.set(Thread.currentThread()));
            return "inline";
        }))) {
            assertThat(s.get("/sync").body()).isEqualTo("inline");
            assertThat(completed.get()).isSameAs(ran.get());
            assertThat(ran.get().getName()).startsWith("baton-worker-");
        }
    }

    @Test
    void anAsyncHandlersResponseIsCompletedOnTheThreadThatCompletedItsStage() throws Exception {
        ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completer"));
        AtomicReference<Thread> ran = new AtomicReference<>();
        AtomicReference<Thread> completed = new AtomicReference<>();
        CompletableFuture<String> stage = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.get("/async", ctx -> {
            ctx.onComplete(o -> completed.set(Thread.currentThread()));
            ran.set(Thread.currentThread());
            return stage;
        }))) {
            var call = s.getAsync("/async");
            // complete only once the worker has returned the stage and gone back to its pool
            Await.until("worker released", java.time.Duration.ofSeconds(5),
                    () -> ran.get() != null && ran.get().getState() == Thread.State.WAITING);
            completer.execute(() -> stage.complete("later"));
            assertThat(call.get(5, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("later");
            assertThat(completed.get().getName()).isEqualTo("test-completer");
            assertThat(completed.get()).isNotSameAs(ran.get());
        } finally {
            completer.shutdown();
        }
    }

    @Test
    void anAlreadyCompletedStageCostsNoHop() throws Exception {
        AtomicReference<Thread> ran = new AtomicReference<>();
        AtomicReference<Thread> completed = new AtomicReference<>();
        try (TestServer s = TestServer.start(r -> r.get("/done", ctx -> {
            ran.set(Thread.currentThread());
            ctx.onComplete(o -> completed.set(Thread.currentThread()));
            return CompletableFuture.completedFuture("now");
        }))) {
            assertThat(s.get("/done").body()).isEqualTo("now");
            assertThat(completed.get()).isSameAs(ran.get());
        }
    }

    @Test
    void eachExecutionModelRunsTheHandlerOnItsOwnKindOfThread() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/worker", ctx -> Thread.currentThread().getName());
            r.get("/loop", ctx -> Thread.currentThread().getName()).execution(ExecutionModel.EVENT_LOOP);
            r.get("/virtual", ctx -> String.valueOf(Thread.currentThread().isVirtual())).execution(ExecutionModel.VIRTUAL);
        })) {
            assertThat(s.get("/worker").body()).startsWith("baton-worker-");
            assertThat(s.get("/loop").body()).startsWith("baton-io");
            assertThat(s.get("/virtual").body()).isEqualTo("true");
        }
    }

    @Test
    void aTimerOnTheRequestsSchedulerCompletesOnItsEventLoopWithNoFurtherHop() throws Exception {
        AtomicReference<Thread> completed = new AtomicReference<>();
        try (TestServer s = TestServer.start(r -> r.get("/timer", ctx -> {
            ctx.onComplete(o -> completed.set(Thread.currentThread()));
            CompletableFuture<String> done = new CompletableFuture<>();
            // the timer completes the stage only once the server awaits it (the worker has returned
            // it): fired sooner, on a slow machine, it would find a done stage, rightly answered on
            // the worker with no hop; until then it looks again, still on the event loop
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                if (done.isDone()) {
                    return;
                }
                if (done.getNumberOfDependents() == 0) {
                    ctx.scheduler().schedule(tick[0], 5, java.util.concurrent.TimeUnit.MILLISECONDS);
                } else {
                    done.complete("tick");
                }
            };
            ctx.scheduler().schedule(tick[0], 20, java.util.concurrent.TimeUnit.MILLISECONDS);
            return done;
        }))) {
            assertThat(s.get("/timer").body()).isEqualTo("tick");
            assertThat(completed.get().getName()).startsWith("baton-io");
        }
    }
}
