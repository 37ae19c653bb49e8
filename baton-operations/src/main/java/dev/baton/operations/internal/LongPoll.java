package dev.baton.operations.internal;

import dev.baton.context.RequestContext;
import dev.baton.operations.store.OperationRecord;
import dev.baton.operations.store.OperationStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@code Prefer: wait=N} on a read: completes with the operation at its next event, or as it is after N seconds. */
final class LongPoll {
    private LongPoll() {
    }

    static CompletionStage<OperationRecord> next(OperationStore store, OperationRecord seen, Duration wait, RequestContext ctx) {
        CompletableFuture<OperationRecord> out = new CompletableFuture<>();
        OperationStore.Subscription sub = store.subscribe(seen.id(), seen.lastEventId(), e -> {
            if (e.id() > seen.lastEventId()) {
                out.complete(e.snapshot());
            }
        });
        ScheduledFuture<?> timer = ctx.scheduler().schedule(() -> {
            // the wait is over whatever the store says (down, say: then what the caller saw)
            store.get(seen.id()).whenComplete((r, e) -> out.complete(r == null ? seen : r.orElse(seen)));
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
        // the request ends first (its client left, the server stops): answer with what we have
        var registration = ctx.cancellation().onCancel(why -> out.complete(seen));
        out.whenComplete((r, e) -> {
            sub.close();
            timer.cancel(false);
            registration.close();
        });
        // an event between the caller's read and the subscription would be missed: read once more
        store.get(seen.id()).thenAccept(r -> r.filter(x -> x.lastEventId() > seen.lastEventId()).ifPresent(out::complete));
        return out;
    }
}
