package dev.baton.operations.internal;

import dev.baton.internal.metrics.LatencyRecorder;
import dev.baton.operations.OperationsStats;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link OperationsStats}. */
final class OperationMetrics {
    final LongAdder created = new LongAdder();
    final AtomicLong queued = new AtomicLong();
    final AtomicLong running = new AtomicLong();
    final LongAdder succeeded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder canceled = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder uncooperative = new LongAdder();
    final LongAdder lateResults = new LongAdder();
    final LongAdder fencedWrites = new LongAdder();
    final LatencyRecorder durations = new LatencyRecorder();

    void dequeued() {
        queued.updateAndGet(n -> Math.max(0, n - 1));
    }

    OperationsStats snapshot() {
        return new OperationsStats(created.sum(), queued.get(), running.get(), succeeded.sum(), failed.sum(),
                canceled.sum(), retried.sum(), rejected.sum(), uncooperative.sum(), lateResults.sum(), fencedWrites.sum(),
                durations.meanMillis(), durations.quantileMillis(0.5), durations.quantileMillis(0.99), durations.maxMillis());
    }
}
