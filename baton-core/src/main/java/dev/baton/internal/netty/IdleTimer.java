package dev.baton.internal.netty;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Closes a keep-alive connection that stayed quiet (nothing read, nothing answered) for the idle
 * timeout. One task per connection, re-armed lazily when it fires: keep-alive traffic schedules
 * and cancels nothing per request. Confined to the connection's event loop.
 */
final class IdleTimer {
    private final long idleNanos;
    private final LongSupplier lastActivityNanos;
    private final BooleanSupplier quiet;
    private final Runnable close;
    private EventExecutor loop;
    private ScheduledFuture<?> timer;

    /**
     * @param lastActivityNanos when the connection last read or answered (System.nanoTime)
     * @param quiet             true when nothing is in flight, queued or half-received
     */
    IdleTimer(long idleNanos, LongSupplier lastActivityNanos, BooleanSupplier quiet, Runnable close) {
        this.idleNanos = idleNanos;
        this.lastActivityNanos = lastActivityNanos;
        this.quiet = quiet;
        this.close = close;
    }

    void start(EventExecutor eventLoop) {
        loop = eventLoop;
        if (idleNanos > 0) {
            arm(idleNanos);
        }
    }

    private void arm(long delayNanos) {
        timer = loop.schedule(this::fired, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void fired() {
        timer = null;
        long quietFor = System.nanoTime() - lastActivityNanos.getAsLong();
        if (!quiet.getAsBoolean()) {
            arm(idleNanos); // a request is running (its own timeout governs it) or a head is arriving
        } else if (quietFor >= idleNanos) {
            close.run();
        } else {
            arm(idleNanos - quietFor);
        }
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
