package dev.baton.internal.netty;

import dev.baton.internal.metrics.ServerMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/** Whether the server is draining, what it refused and cancelled meanwhile, and when it drained. */
final class ShutdownState {
    private volatile boolean draining;
    final LongAdder refused = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final CompletableFuture<Void> drained = new CompletableFuture<>();

    boolean isDraining() {
        return draining;
    }

    void startDraining(ServerMetrics metrics) {
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
