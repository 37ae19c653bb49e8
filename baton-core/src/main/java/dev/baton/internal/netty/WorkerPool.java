package dev.baton.internal.netty;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request worker pool (fixed platform threads) and the bounded request queue in front of it.
 * {@link #trySubmit} never blocks: a full queue is the caller's cue to answer 503.
 */
final class WorkerPool {
    private final ThreadPoolExecutor executor;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final int threads;

    WorkerPool(int threads, int queueCapacity) {
        this.threads = threads;
        BlockingQueue<Runnable> queue = queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, "baton-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        executor.prestartAllCoreThreads();
    }

    /** Queues {@code task}; false when the queue is full or the pool is shut down. */
    boolean trySubmit(Runnable task) {
        try {
            executor.execute(() -> {
                int now = busy.incrementAndGet();
                peak.accumulateAndGet(now, Math::max);
                try {
                    task.run();
                } finally {
                    busy.decrementAndGet();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    int queued() {
        return executor.getQueue().size();
    }

    int busy() {
        return busy.get();
    }

    int peak() {
        return peak.get();
    }

    int threads() {
        return threads;
    }

    /** Stops taking work; running handlers finish, queued ones are dropped (they were already cancelled). */
    void shutdown() {
        executor.shutdownNow();
    }
}
