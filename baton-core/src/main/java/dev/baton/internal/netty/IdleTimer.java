package dev.baton.internal.netty;

import io.netty.util.concurrent.EventExecutor;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Closes a keep-alive connection that stayed quiet (nothing read, nothing answered) for the idle
 * timeout, on a {@link LazyTimer}: keep-alive traffic schedules and cancels nothing per request.
 * Confined to the connection's event loop.
 */
final class IdleTimer {
    private final long idleNanos;
    private final LongSupplier lastActivityNanos;
    private final BooleanSupplier quiet;
    private final Runnable close;
    private final LazyTimer timer = new LazyTimer(System::nanoTime, this::fired);

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
        timer.bind(eventLoop);
        if (idleNanos > 0) {
            timer.fireBy(System.nanoTime() + idleNanos);
        }
    }

    private long fired(long now) {
        long quietFor = now - lastActivityNanos.getAsLong();
        if (!quiet.getAsBoolean()) {
            return now + idleNanos; // a request is running (its own timeout governs it) or a head is arriving
        } else if (quietFor >= idleNanos) {
            close.run();
            return 0;
        }
        return now + idleNanos - quietFor;
    }

    void stop() {
        timer.stop();
    }
}
