package dev.baton.internal.netty;

import io.netty.channel.SingleThreadEventLoop;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One per event loop, confined to it: the worker wake-up owed at the end of the loop's current
 * iteration (so that the tasks one iteration queues wake one worker, not one each), and the timed
 * re-check while tasks are left waiting. {@link WorkerPool}'s.
 */
final class LoopSignal implements Runnable {
    private final SingleThreadEventLoop loop;
    /** Wakes the workers the queue needs; true when a re-check is due. */
    private final BooleanSupplier signal;
    private final BooleanSupplier stopped;
    private boolean requested;
    private boolean recheckScheduled;

    LoopSignal(SingleThreadEventLoop loop, BooleanSupplier signal, BooleanSupplier stopped) {
        this.loop = loop;
        this.signal = signal;
        this.stopped = stopped;
    }

    SingleThreadEventLoop loop() {
        return loop;
    }

    /** A wake-up at the end of this iteration (on the loop). */
    void request() {
        if (!requested) {
            try {
                loop.executeAfterEventLoopIteration(this);
                requested = true;
            } catch (RejectedExecutionException shuttingDown) {
                signal.getAsBoolean(); // the loop takes no more tasks: wake now
            }
        }
    }

    @Override
    public void run() {
        requested = false;
        if (signal.getAsBoolean()) {
            recheckSoon();
        }
    }

    /** Looks at the waiting tasks again in {@link WorkerPool#RECHECK_NANOS} (on the loop). */
    void recheckSoon() {
        if (!recheckScheduled && !stopped.getAsBoolean()) {
            recheckScheduled = true;
            try {
                loop.schedule(this::recheck, WorkerPool.RECHECK_NANOS, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                recheckScheduled = false;
            }
        }
    }

    private void recheck() {
        recheckScheduled = false;
        if (signal.getAsBoolean()) {
            recheckSoon();
        }
    }
}
