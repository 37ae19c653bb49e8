package dev.baton.internal.netty;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The async timeout of a connection's requests, with one timer: only one request is in flight
 * per connection, so the timer is re-armed lazily when it fires and keep-alive traffic
 * schedules and cancels no task per request. Confined to the connection's event loop.
 */
final class RequestTimer {
    private final Supplier<Exchange> current;
    private EventExecutor loop;
    private ScheduledFuture<?> timer;
    private long timerAt;

    RequestTimer(Supplier<Exchange> current) {
        this.current = current;
    }

    void bind(EventExecutor eventLoop) {
        this.loop = eventLoop;
    }

    /** Times {@code ex} out at {@code timeoutAtNanos} (System.nanoTime); 0 for never. */
    void watch(Exchange ex, long timeoutAtNanos) {
        if (timeoutAtNanos == 0) {
            return;
        }
        ex.timeoutAtNanos = timeoutAtNanos;
        if (timer == null || timerAt - timeoutAtNanos > 0) {
            if (timer != null) {
                timer.cancel(false);
            }
            arm(timeoutAtNanos);
        }
    }

    private void arm(long atNanos) {
        timerAt = atNanos;
        timer = loop.schedule(this::fired, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void fired() {
        timer = null;
        Exchange ex = current.get();
        if (ex == null || ex.isCompleted() || ex.timeoutAtNanos == 0) {
            return; // the request it was armed for is done; the next one re-arms
        }
        if (System.nanoTime() - ex.timeoutAtNanos >= 0) {
            ex.timeout();
        } else {
            arm(ex.timeoutAtNanos);
        }
    }

    /** The connection closed. */
    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
