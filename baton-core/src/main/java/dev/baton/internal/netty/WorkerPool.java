package dev.baton.internal.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The request worker pool (fixed platform threads) and the bounded request queue in front of it.
 * {@link #trySubmit} never blocks: a full pool and queue is the caller's cue to answer 503.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: it wakes a parked worker for every task, so a short
 * handler pays two context switches (loop to worker, worker back to loop), which cost more than
 * the handler itself. Here, as in the .NET thread pool, no more workers run than there are cores
 * while their tasks make progress: the tasks one event-loop iteration queues wake a worker once,
 * after the iteration, and an awake worker drains the queue before it parks. Blocking handlers
 * still get every thread: a worker whose task has run past {@link #STUCK_NANOS} no longer counts
 * as making progress, and a queue whose oldest task has waited past {@link #STARVED_NANOS} wakes
 * one more worker. That is checked at every submit, and while tasks wait that no worker was woken
 * for, by a timer on the event loop every {@link #RECHECK_NANOS}: no thread of its own, nothing
 * at all while the queue drains.
 */
final class WorkerPool {
    /** A task running longer than this is presumed to block its thread. */
    static final long STUCK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** A task waiting longer than this means the awake workers do not keep up. */
    static final long STARVED_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How soon tasks left waiting are looked at again. */
    static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int threads;
    private final int capacity;
    /** Workers allowed to run at once while none is stuck: the cores this JVM may use. */
    private final int target;
    private final Worker[] workers;
    private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
    /** Parked workers, the most recently parked first (its cache is the warmest). */
    private final ConcurrentLinkedDeque<Worker> parked = new ConcurrentLinkedDeque<>();
    /** Tasks accepted and not finished: running ones plus queued ones. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger awake = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    /** Each event loop's deferred wake-up; built at start, read-only after. */
    private final Map<EventExecutor, LoopSignal> loopSignals = new IdentityHashMap<>();
    /** Where a submit from outside the event loops has its re-check scheduled; null until bound. */
    private volatile LoopSignal anyLoop;
    private volatile boolean stopped;

    /** A queued task; taken once, by the worker that runs it or by {@link #withdraw}. */
    static final class Task extends AtomicBoolean {
        final Runnable run;
        final long queuedAt;

        Task(Runnable run, long queuedAt) {
            this.run = run;
            this.queuedAt = queuedAt;
        }

        boolean take() {
            return compareAndSet(false, true);
        }
    }

    WorkerPool(int threads, int queueCapacity) {
        this.threads = threads;
        this.capacity = queueCapacity;
        this.target = Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
        this.workers = new Worker[threads];
        awake.set(threads);
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker("baton-worker-" + (i + 1));
        }
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    /** Lets the loops of {@code group} defer their wake-ups to the end of each iteration. */
    void bind(EventLoopGroup group) {
        for (EventExecutor e : group) {
            if (e instanceof SingleThreadEventLoop loop) {
                LoopSignal signal = new LoopSignal(loop, this::signal, () -> stopped);
                loopSignals.put(loop, signal);
                anyLoop = signal;
            }
        }
    }

    /**
     * Queues {@code task}; false when pool and queue are full or the pool is shut down. Called on
     * {@code loop}, the wake-up waits for the end of the loop's iteration, so that the tasks of
     * one iteration wake one worker, not one each.
     */
    boolean trySubmit(Runnable task, EventExecutor loop) {
        return submit(task, loop) != null;
    }

    /** As {@link #trySubmit}, returning the queued task (for {@link #withdraw}) or null when refused. */
    Task submit(Runnable task, EventExecutor loop) {
        if (stopped || !admit()) {
            return null;
        }
        Task queuedTask = new Task(task, System.nanoTime());
        queue.offer(queuedTask);
        if (stopped && withdraw(queuedTask)) { // shutdown raced us and may not have seen it
            return null;
        }
        LoopSignal deferred = loop == null ? null : loopSignals.get(loop);
        if (deferred != null && loop.inEventLoop()) {
            deferred.request();
        } else if (signal()) {
            LoopSignal any = anyLoop;
            if (any != null) {
                onLoop(any.loop(), any::recheckSoon);
            }
        }
        return queuedTask;
    }

    /**
     * Takes back a task no worker has started (its request timed out or its client left while it
     * waited), so that it stops holding a place in the queue; false if a worker already took it.
     */
    boolean withdraw(Task task) {
        if (!task.take()) {
            return false;
        }
        queue.remove(task);
        admitted.decrementAndGet();
        return true;
    }

    private static void onLoop(EventExecutor loop, Runnable r) {
        try {
            loop.execute(r);
        } catch (RejectedExecutionException shuttingDown) {
            // the server is stopping: nothing more to wake
        }
    }

    /** As many tasks as there are threads may run, and {@code capacity} more may wait. */
    private boolean admit() {
        int n;
        do {
            n = admitted.get();
            if (n >= threads + capacity) {
                return false;
            }
        } while (!admitted.compareAndSet(n, n + 1));
        return true;
    }

    /**
     * Wakes the workers the queued tasks need: see the class comment. True when tasks still
     * wait that parked workers could take, so that a re-check is due.
     */
    private boolean signal() {
        Task head = queue.peek();
        if (head == null || parked.isEmpty()) {
            return false;
        }
        long now = System.nanoTime();
        int awakeNow = awake.get();
        int running = busy.get();
        int queued = admitted.get() - running;
        int uncovered = queued - Math.max(0, awakeNow - running); // less the awake workers that are idle
        int allowed = anyLoop == null ? threads // no event loop to re-check on: wake as a plain pool would
                : target - (awakeNow - stuck(now)) + (now - head.queuedAt > STARVED_NANOS ? 1 : 0);
        int wake = Math.min(uncovered, allowed);
        for (int i = 0; i < wake; i++) {
            Worker w = parked.pollFirst();
            if (w == null) {
                return false;
            }
            awake.incrementAndGet();
            w.wake();
        }
        // queued, not uncovered: a worker about to park still counts as awake and idle, and
        // must not stop the re-check that would wake someone for the task it will not take
        return queued > Math.max(0, wake);
    }

    /** Workers whose current task has run past {@link #STUCK_NANOS}. */
    private int stuck(long now) {
        int n = 0;
        for (Worker w : workers) {
            long started = w.startedNanos;
            if (started != 0 && now - started > STUCK_NANOS) {
                n++;
            }
        }
        return n;
    }

    int queued() {
        return Math.max(0, admitted.get() - busy.get());
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

    /** Stops taking work; running handlers are interrupted, queued ones dropped (they were already cancelled). */
    void shutdown() {
        stopped = true;
        Task t;
        while ((t = queue.poll()) != null) {
            if (t.take()) {
                admitted.decrementAndGet();
            }
        }
        for (Worker w : workers) {
            w.wake();
            w.thread.interrupt();
        }
    }

    private final class Worker implements Runnable {
        final Thread thread;
        /** When the running task started (System.nanoTime), 0 between tasks. */
        volatile long startedNanos;
        volatile boolean woken;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        void wake() {
            woken = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            while (!stopped) {
                Task task = queue.poll();
                if (task != null) {
                    if (task.take()) { // else withdrawn while we polled it: nothing to run or count
                        runTask(task.run);
                    }
                    continue;
                }
                woken = false;
                parked.addFirst(this);
                awake.decrementAndGet();
                // a task queued between the poll and the push may have found no one to wake
                if (!queue.isEmpty() && parked.removeFirstOccurrence(this)) {
                    awake.incrementAndGet();
                    continue;
                }
                while (!woken && !stopped) {
                    LockSupport.park(this);
                    Thread.interrupted(); // a stray interrupt must not turn park into a spin
                }
            }
        }

        private void runTask(Runnable task) {
            startedNanos = System.nanoTime();
            int now = busy.incrementAndGet();
            if (now > peak.get()) {
                peak.accumulateAndGet(now, Math::max);
            }
            try {
                task.run();
            } catch (Throwable t) {
                try {
                    thread.getUncaughtExceptionHandler().uncaughtException(thread, t);
                } catch (Throwable ignored) {
                    // a failing handler must not kill the worker
                }
            } finally {
                startedNanos = 0;
                busy.decrementAndGet();
                admitted.decrementAndGet();
                Thread.interrupted(); // an interrupt meant for this task must not reach the next
            }
        }
    }
}
