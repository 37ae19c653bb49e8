package dev.baton.internal.netty;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One timer task per connection for a deadline that moves with every request: it is armed for
 * the earliest deadline asked, and when it fires it asks its owner what is due now and what is
 * due next, re-arming itself for that. Keep-alive traffic thus schedules and cancels no task per
 * request. The request timeout, the idle timeout and the request-head timeout are each one of
 * these. Confined to the connection's event loop.
 */
final class LazyTimer {

    /** What the timer's owner does when it fires. */
    @FunctionalInterface
    interface Due {
        /** Acts on what is due at {@code nowNanos}; returns when to fire next (in the owner's clock), or 0 for never. */
        long fire(long nowNanos);
    }

    private final LongSupplier clock;
    private final Due due;
    private EventExecutor loop;
    private ScheduledFuture<?> task;
    private long armedAt;

    /** {@code clock}: the owner's nanosecond clock, in which its deadlines are given (System::nanoTime, say). */
    LazyTimer(LongSupplier clock, Due due) {
        this.clock = clock;
        this.due = due;
    }

    void bind(EventExecutor eventLoop) {
        this.loop = eventLoop;
    }

    /** Makes sure the timer fires no later than {@code atNanos} (in the owner's clock). */
    void fireBy(long atNanos) {
        if (task != null && atNanos - armedAt >= 0) {
            return; // armed for sooner: it re-arms for this one when it fires
        }
        if (task != null) {
            task.cancel(false);
        }
        arm(atNanos);
    }

    /** True while a firing is scheduled. */
    boolean isArmed() {
        return task != null;
    }

    private void arm(long atNanos) {
        armedAt = atNanos;
        task = loop.schedule(this::fired, Math.max(0, atNanos - clock.getAsLong()), TimeUnit.NANOSECONDS);
    }

    private void fired() {
        task = null;
        long next = due.fire(clock.getAsLong());
        if (next != 0 && task == null) {
            arm(next);
        }
    }

    /** Nothing more is due (the connection closed). */
    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
