package dev.baton.operations.internal;

import dev.baton.internal.Futures;
import dev.baton.operations.store.OperationRecord;
import dev.baton.operations.store.OperationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims runnable operations from the store while this node has free slots: one claim at a
 * time, run again when asked meanwhile (no wake-up lost), and never stopped by a failure.
 */
final class ClaimLoop {
    private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);

    private final OperationStore store;
    private final String node;
    private final Duration lease;
    private final Supplier<Instant> now;
    private final IntSupplier freeSlots;
    private final Consumer<OperationRecord> start;
    private final Runnable drained;
    private final Executor again;
    private final AtomicInteger asked = new AtomicInteger();
    /** Set while the store fails to answer, so that an outage is logged when it begins and ends, not every poll. */
    private final AtomicBoolean storeDown = new AtomicBoolean();

    /**
     * @param freeSlots how many more may run now (0 while stopping)
     * @param start     starts a claimed operation
     * @param drained   a claim brought fewer than asked: nothing runnable is left
     * @param again     where a claim asked for meanwhile runs
     */
    ClaimLoop(OperationStore store, String node, Duration lease, Supplier<Instant> now, IntSupplier freeSlots,
              Consumer<OperationRecord> start, Runnable drained, Executor again) {
        this.store = store;
        this.node = node;
        this.lease = lease;
        this.now = now;
        this.freeSlots = freeSlots;
        this.start = start;
        this.drained = drained;
        this.again = again;
    }

    /** Claims now, or after the claim under way if there is one. */
    void pump() {
        if (asked.getAndIncrement() != 0) {
            return;
        }
        claim();
    }

    private void claim() {
        int free = freeSlots.getAsInt();
        if (free <= 0) {
            done();
            return;
        }
        CompletionStage<List<OperationRecord>> claimed;
        try {
            claimed = store.claim(node, free, now.get(), lease);
        } catch (RuntimeException e) { // a store that throws instead of failing its stage must not stop the loop
            claimed = CompletableFuture.failedFuture(e);
        }
        claimed.whenComplete((records, e) -> {
            try {
                if (e != null) {
                    if (storeDown.compareAndSet(false, true)) {
                        log.warn("claiming operations failed; retrying every poll until the store answers", Futures.unwrap(e));
                    }
                    return;
                }
                if (storeDown.compareAndSet(true, false)) {
                    log.info("the store answers again");
                }
                if (records.size() < free) {
                    drained.run();
                }
                records.forEach(start);
            } finally {
                done();
            }
        });
    }

    private void done() {
        if (asked.decrementAndGet() != 0) {
            asked.set(1);
            again.execute(this::claim);
        }
    }
}
