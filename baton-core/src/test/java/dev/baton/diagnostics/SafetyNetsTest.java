package dev.baton.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SafetyNetsTest {

    @Test
    void aSyncHandlerThatReturnsWhileItsAsyncWorkIsPendingIsReportedAndTheWorkCancelled() throws Exception {
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.get("/sync-leak", ctx -> {
            ctx.pendingWork().begin("fire and forget", () -> cancelled.complete(null));
            return "returned at once";
        }))) {
            assertThat(s.get("/sync-leak").body()).isEqualTo("returned at once");
            cancelled.get(5, TimeUnit.SECONDS);
            assertThat(s.server.stats().safetyNets().asyncInSyncStage()).isEqualTo(1);
            assertThat(s.server.stats().safetyNets().pendingAtCompletion()).isZero();
        }
    }

    @Test
    void aBlockedEventLoopIsReportedAndCorrectEventLoopCodeIsNot() throws Exception {
        // a threshold no loaded machine's scheduling or cold start reaches while /fine runs, and a
        // block well past it (the watchdog looks every quarter threshold)
        try (TestServer s = TestServer.start(c -> c.blockedThreadThreshold(Duration.ofMillis(500)), r -> {
            r.get("/fine", ctx -> "quick").execution(ExecutionModel.EVENT_LOOP);
            r.get("/blocks", ctx -> {
                Thread.sleep(1000); // blocks the event loop on purpose
                return "blocked";
            }).execution(ExecutionModel.EVENT_LOOP);
        })) {
            for (int i = 0; i < 20; i++) {
                assertThat(s.get("/fine").body()).isEqualTo("quick");
            }
            assertThat(s.server.stats().safetyNets().blockedEventLoop()).isZero();
            assertThat(s.get("/blocks").body()).isEqualTo("blocked");
            Await.until("blocked loop reported", Duration.ofSeconds(5), () -> s.server.stats().safetyNets().blockedEventLoop() >= 1);
        }
    }

    /** Issue 17: a loop working through a burst of short tasks is busy, not blocked, and is not reported as blocked. */
    @Test
    void aLoopWorkingThroughABurstOfShortTasksIsNotReportedAsBlocked() throws Exception {
        try (TestServer s = TestServer.start(c -> c.eventLoopThreads(1).blockedThreadThreshold(Duration.ofMillis(100)),
                r -> r.get("/fine", ctx -> "quick").execution(ExecutionModel.EVENT_LOOP))) {
            assertThat(s.get("/fine").body()).isEqualTo("quick");
            io.netty.channel.EventLoop loop = s.server.eventLoopGroup().next();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            // ~600 ms of work in 3000 tasks of 0.2 ms each: the watchdog's probe waits behind them
            for (int i = 0; i < 3000; i++) {
                loop.execute(() -> {
                    long until = System.nanoTime() + 200_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
            }
            loop.execute(done::countDown);
            assertThat(done.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(s.get("/fine").body()).isEqualTo("quick"); // the watchdog has looked again since
            assertThat(s.server.stats().safetyNets().blockedEventLoop()).isZero();
        }
    }

    @Test
    void eventLoopCodeOutsideARouteThatBlocksIsReportedAsBlocked() throws Exception {
        try (TestServer s = TestServer.start(c -> c.eventLoopThreads(1).blockedThreadThreshold(Duration.ofMillis(200)),
                r -> r.get("/fine", ctx -> "quick"))) {
            s.server.eventLoopGroup().next().execute(() -> {
                try {
                    Thread.sleep(1000); // blocks the loop on purpose, outside any handler
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Await.until("blocked loop reported", Duration.ofSeconds(5), () -> s.server.stats().safetyNets().blockedEventLoop() >= 1);
        }
    }

    @Test
    void anAsyncHandlerThatHoldsItsThreadBeforeReturningItsStageIsReportedAsFakeAsync() throws Exception {
        // a threshold that a descheduled thread does not reach while /real returns its stage
        try (TestServer s = TestServer.start(c -> c.fakeAsyncThreshold(Duration.ofMillis(300)), r -> {
            r.get("/real", ctx -> CompletableFuture.supplyAsync(() -> "real",
                    CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)));
            r.get("/fake", ctx -> {
                Thread.sleep(450); // sync work dressed as async, on purpose
                return CompletableFuture.supplyAsync(() -> "fake");
            });
        })) {
            assertThat(s.get("/real").body()).isEqualTo("real");
            assertThat(s.server.stats().safetyNets().fakeAsync()).isZero();
            // a route's first requests may be warm-up (class loading); its steady state is reported
            for (int i = 0; i < 4; i++) {
                assertThat(s.get("/fake").body()).isEqualTo("fake");
            }
            assertThat(s.server.stats().safetyNets().fakeAsync()).isBetween(1L, 4L);
        }
    }

    /** Loads {@link Payload} afresh, slowly, as a class from a slow disk or a big jar would. */
    static final class SlowLoader extends ClassLoader {
        SlowLoader() {
            super(null);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.equals(Payload.class.getName())) {
                throw new ClassNotFoundException(name);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            try (var in = SafetyNetsTest.class.getResourceAsStream("Payload.class")) {
                byte[] b = in.readAllBytes();
                return defineClass(name, b, 0, b.length);
            } catch (java.io.IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    @Test
    void classLoadingIsWarmUpAndNeverReportedAsABlockedLoopOrFakeAsync() throws Exception {
        try (TestServer s = TestServer.start(c -> { }, r -> {
            r.get("/load-on-loop", ctx -> new SlowLoader().loadClass(Payload.class.getName()).getSimpleName())
                    .execution(dev.baton.ExecutionModel.EVENT_LOOP);
            r.get("/load-then-async", ctx -> {
                String loaded = new SlowLoader().loadClass(Payload.class.getName()).getSimpleName();
                return CompletableFuture.supplyAsync(() -> loaded);
            });
        })) {
            assertThat(s.get("/load-on-loop").body()).isEqualTo("Payload");
            assertThat(s.get("/load-then-async").body()).isEqualTo("Payload");
            assertThat(s.server.stats().safetyNets().blockedEventLoop()).isZero();
            assertThat(s.server.stats().safetyNets().fakeAsync()).isZero();
        }
    }

    /** Blocking inside a class initializer pins a virtual thread to its carrier, even on JDK 24+. */
    static final class SlowToInitialize {
        static final String VALUE;

        static {
            try {
                Thread.sleep(200); // blocks inside <clinit> on purpose
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            VALUE = "initialized";
        }
    }

    @Test
    void aPinnedVirtualThreadIsCountedAndPlainBlockingOnAVirtualThreadIsNot() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/sleeps", ctx -> {
                Thread.sleep(100); // unmounts: no pinning
                return "slept";
            }).execution(ExecutionModel.VIRTUAL);
            r.get("/pins", ctx -> SlowToInitialize.VALUE).execution(ExecutionModel.VIRTUAL);
        })) {
            assertThat(s.get("/sleeps").body()).isEqualTo("slept");
            assertThat(s.get("/pins").body()).isEqualTo("initialized");
            Await.until("pinning reported by JFR", Duration.ofSeconds(15),
                    () -> s.server.stats().safetyNets().virtualThreadPinned() >= 1);
            assertThat(s.server.stats().safetyNets().virtualThreadPinned()).isEqualTo(1);
        }
    }
}
