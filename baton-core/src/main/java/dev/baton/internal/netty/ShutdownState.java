package dev.baton.internal.netty;

import dev.baton.internal.metrics.ServerMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether a graceful stop has begun (readiness answers 503 from then on), whether the server is
 * draining, what it refused and cancelled meanwhile, and when it drained.
 */
final class ShutdownState {
    private volatile boolean stopping;
    private volatile boolean draining;
    final LongAdder refused = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final CompletableFuture<Void> drained = new CompletableFuture<>();

    /** A graceful stop has begun: still serving (its delay), or draining already. */
    boolean isStopping() {
        return stopping;
    }

    boolean isDraining() {
        return draining;
    }

    /** Readiness turns 503; the server still serves until it drains. */
    void startStopping() {
        stopping = true;
    }

    void startDraining(ServerMetrics metrics) {
        stopping = true;
        draining = true;
        signal(metrics);
    }

    /** Called whenever a request finishes: completes {@link #drained} once nothing is in flight. */
    void signal(ServerMetrics metrics) {
        if (draining && metrics.inFlight.get() <= 0) {
            drained.complete(null);
        }
    }
}
