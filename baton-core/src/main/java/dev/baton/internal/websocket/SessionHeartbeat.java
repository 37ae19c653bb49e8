package dev.baton.internal.websocket;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket session's clock: pings a client quiet for the ping interval, and calls the session
 * idle once nothing at all (not even a pong) has arrived for the idle timeout while the server had
 * nothing left to do for it (a client waiting for slow callbacks, or not read because they are
 * behind, is not idle). One timer, re-armed for whichever is due first. Event loop only.
 */
final class SessionHeartbeat {
    private final EventExecutor loop;
    private final long idleNanos;
    private final long pingNanos;
    private final Runnable ping;
    private final Runnable idle;
    private long lastReadNanos;
    private long lastPingNanos;
    private ScheduledFuture<?> timer;
    private boolean stopped;
    /** True while the server is behind (callbacks running or queued): a client waiting for it is not idle. */
    private final java.util.function.BooleanSupplier serverBusy;

    /** Zero {@code idleNanos} or {@code pingNanos}: never. */
    SessionHeartbeat(EventExecutor loop, long idleNanos, long pingNanos, java.util.function.BooleanSupplier serverBusy, Runnable ping,
                     Runnable idle) {
        this.serverBusy = serverBusy;
        this.loop = loop;
        this.idleNanos = idleNanos;
        this.pingNanos = pingNanos;
        this.ping = ping;
        this.idle = idle;
    }

    void start() {
        lastReadNanos = System.nanoTime();
        lastPingNanos = lastReadNanos;
        arm();
    }

    /** A frame arrived. */
    void read() {
        lastReadNanos = System.nanoTime();
    }

    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private long quietSince() {
        return lastReadNanos - lastPingNanos > 0 ? lastReadNanos : lastPingNanos;
    }

    private void arm() {
        if (stopped || idleNanos == 0 && pingNanos == 0) {
            return;
        }
        long next = Long.MAX_VALUE;
        if (idleNanos > 0) {
            next = lastReadNanos + idleNanos;
        }
        if (pingNanos > 0) {
            next = Math.min(next, quietSince() + pingNanos);
        }
        timer = loop.schedule(this::due, Math.max(1_000_000, next - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void due() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        if (serverBusy.getAsBoolean()) {
            lastReadNanos = now; // idle counts from when the server has caught up
        }
        if (idleNanos > 0 && now - lastReadNanos >= idleNanos) {
            stop();
            idle.run();
            return;
        }
        if (pingNanos > 0 && now - quietSince() >= pingNanos) {
            lastPingNanos = now;
            ping.run();
        }
        arm();
    }
}
