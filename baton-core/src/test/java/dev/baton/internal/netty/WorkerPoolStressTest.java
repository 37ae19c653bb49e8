package dev.baton.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worker pool on its own, under the races its lazy wake-ups invite: every accepted task runs,
 * none waits for a wake-up that never comes, and the counts return to zero. Bounded in count and
 * time; a lost wake-up shows as a task that misses its deadline.
 */
class WorkerPoolStressTest {
    private static final long DEADLINE_SECONDS = 10;

    private EventLoopGroup loops;
    private WorkerPool pool;

    @BeforeEach
    void startLoops() {
        loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdown();
        }
        loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private WorkerPool bound(int threads, int queue) {
        pool = new WorkerPool(threads, queue);
        pool.bind(loops);
        return pool;
    }

    /** One task at a time, each submitted only once the previous one is done: the park/wake edge, again and again. */
    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 8})
    void aLoneTaskAfterTheWorkersParkedIsAlwaysPickedUp(int threads) throws Exception {
        WorkerPool pool = bound(threads, 16);
        EventLoop loop = loops.next();
        for (int i = 0; i < 5_000; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            boolean fromLoop = i % 2 == 0;
            if (fromLoop) {
                loop.execute(() -> assertThat(pool.trySubmit(() -> done.complete(null), loop)).isTrue());
            } else {
                assertThat(pool.trySubmit(() -> done.complete(null), null)).isTrue();
            }
            done.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }
        awaitIdle(pool);
    }

    /**
     * A task that blocks until a task queued after it has run: with two workers or more the second
     * must get a worker of its own (the stuck one no longer counts), however the wake-ups race
     * with workers going to park. A missed wake-up shows as the first task's wait running out.
     */
    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {2, 8})
    void aTaskBlockedOnALaterOneAlwaysSeesItRun(int threads) throws Exception {
        WorkerPool pool = bound(threads, 16);
        EventLoop loop = loops.next();
        for (int i = 0; i < 1_000; i++) {
            CountDownLatch secondRan = new CountDownLatch(1);
            CompletableFuture<Boolean> firstSawIt = new CompletableFuture<>();
            Runnable first = () -> {
                try {
                    firstSawIt.complete(secondRan.await(DEADLINE_SECONDS, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    firstSawIt.completeExceptionally(e);
                }
            };
            Runnable both = () -> {
                pool.trySubmit(first, loop);
                pool.trySubmit(secondRan::countDown, loop);
            };
            if (i % 2 == 0) {
                loop.execute(both);
            } else {
                both.run(); // from outside the loops
            }
            assertThat(firstSawIt.get(DEADLINE_SECONDS + 1, TimeUnit.SECONDS)).as("round %d", i).isTrue();
        }
        awaitIdle(pool);
    }

    /** Both event loops and two outside threads submit at once, quick tasks mixed with ones that block. */
    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 8})
    void tasksSubmittedFromLoopsAndOutsideAllRunAndTheCountsReturnToZero(int threads) throws Exception {
        WorkerPool pool = bound(threads, 1_000_000);
        int perSubmitter = 20_000;
        List<EventLoop> eventLoops = new ArrayList<>();
        loops.forEach(e -> eventLoops.add((EventLoop) e));
        int submitters = eventLoops.size() + 2;
        CountDownLatch ran = new CountDownLatch(submitters * perSubmitter);
        AtomicInteger refused = new AtomicInteger();
        Runnable quick = ran::countDown;
        Runnable blocking = () -> {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300)); // past STUCK_NANOS
            ran.countDown();
        };
        for (EventLoop loop : eventLoops) {
            // in batches, so that one loop iteration queues many tasks and defers one wake-up
            for (int batch = 0; batch < perSubmitter / 100; batch++) {
                int b = batch;
                loop.execute(() -> {
                    for (int i = 0; i < 100; i++) {
                        if (!pool.trySubmit((b * 100 + i) % 500 == 0 ? blocking : quick, loop)) {
                            refused.incrementAndGet();
                        }
                    }
                });
            }
        }
        List<Thread> outside = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            outside.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perSubmitter; i++) {
                    if (!pool.trySubmit(i % 500 == 0 ? blocking : quick, null)) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : outside) {
            t.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
        }
        assertThat(ran.await(DEADLINE_SECONDS, TimeUnit.SECONDS))
                .as("tasks left unrun: %d", ran.getCount()).isTrue();
        assertThat(refused).hasValue(0);
        awaitIdle(pool);
    }

    @Test
    void blockingTasksGetEveryThreadOfThePool() throws Exception {
        int threads = 6;
        WorkerPool pool = bound(threads, 16);
        EventLoop loop = loops.next();
        CountDownLatch allStarted = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        Runnable hold = () -> {
            allStarted.countDown();
            try {
                release.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        loop.execute(() -> {
            for (int i = 0; i < threads; i++) {
                pool.trySubmit(hold, loop);
            }
        });
        try {
            assertThat(allStarted.await(DEADLINE_SECONDS, TimeUnit.SECONDS))
                    .as("started: %d of %d", threads - allStarted.getCount(), threads).isTrue();
            assertThat(pool.busy()).isEqualTo(threads);
            assertThat(pool.trySubmit(() -> { }, null)).isTrue(); // queued behind them
            assertThat(pool.queued()).isEqualTo(1);
        } finally {
            release.countDown();
        }
        awaitIdle(pool);
        assertThat(pool.peak()).isEqualTo(threads);
    }

    @Test
    void aFullPoolAndQueueRefuseAndTakeWorkAgainOnceTheyDrain() throws Exception {
        WorkerPool pool = bound(2, 3);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(5);
        Runnable hold = () -> {
            try {
                release.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.countDown();
        };
        for (int i = 0; i < 5; i++) {
            assertThat(pool.trySubmit(hold, null)).as("task %d", i).isTrue();
        }
        assertThat(pool.trySubmit(() -> { }, null)).as("sixth, past 2 workers + 3 queued").isFalse();
        release.countDown();
        assertThat(ran.await(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
        awaitIdle(pool);
        CompletableFuture<Void> again = new CompletableFuture<>();
        assertThat(pool.trySubmit(() -> again.complete(null), null)).isTrue();
        again.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aTaskThatThrowsEvenPastAThrowingExceptionHandlerLeavesItsWorkerServing() throws Exception {
        WorkerPool pool = bound(1, 16);
        assertThat(pool.trySubmit(() -> {
            Thread.currentThread().setUncaughtExceptionHandler((t, e) -> {
                throw new IllegalStateException("the handler fails too");
            });
            throw new IllegalArgumentException("the task fails");
        }, null)).isTrue();
        CompletableFuture<String> next = new CompletableFuture<>();
        assertThat(pool.trySubmit(() -> next.complete(Thread.currentThread().getName()), null)).isTrue();
        assertThat(next.get(DEADLINE_SECONDS, TimeUnit.SECONDS)).isEqualTo("baton-worker-1");
        awaitIdle(pool);
    }

    @Test
    void aPoolNotYetBoundToLoopsWakesWorkersAsAPlainPoolWould() throws Exception {
        pool = new WorkerPool(4, 16); // no bind: a server's submits before its loops are known
        CountDownLatch ran = new CountDownLatch(1_000);
        for (int i = 0; i < 1_000; i++) {
            while (!pool.trySubmit(ran::countDown, loops.next())) {
                Thread.onSpinWait(); // queue of 16 full: the workers are draining it
            }
        }
        assertThat(ran.await(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("left: %d", ran.getCount()).isTrue();
        awaitIdle(pool);
    }

    @Test
    void afterShutdownNothingIsTakenAndNothingStaysCounted() throws Exception {
        WorkerPool pool = bound(1, 100);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger ranAfter = new AtomicInteger();
        pool.trySubmit(() -> {
            started.countDown();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS)); // interrupted by shutdown
        }, null);
        assertThat(started.await(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 10; i++) {
            pool.trySubmit(ranAfter::incrementAndGet, null);
        }
        pool.shutdown();
        assertThat(pool.trySubmit(ranAfter::incrementAndGet, null)).isFalse();
        awaitIdle(pool);
        assertThat(ranAfter).hasValue(0);
    }

    /** Busy and queued fall to zero once the last task has returned; polled, with a deadline. */
    private static void awaitIdle(WorkerPool pool) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while ((pool.busy() != 0 || pool.queued() != 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(pool.busy()).as("busy").isZero();
        assertThat(pool.queued()).as("queued").isZero();
    }
}
