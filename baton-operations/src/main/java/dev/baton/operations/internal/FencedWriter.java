package dev.baton.operations.internal;

import dev.baton.operations.store.OperationRecord;
import dev.baton.operations.store.OperationStore;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Writes one claimed operation, one change at a time, as long as this node's claim holds: each
 * change is applied to the latest record and stored by compare-and-set, re-read and re-applied
 * when someone else wrote in between (a cancel request), and refused once another claim's
 * fencing token has replaced ours.
 */
final class FencedWriter {
    private static final int MAX_TRIES = 16;

    private final OperationStore store;
    private final String node;
    private final long token;
    private final Consumer<OperationRecord> onForeignChange;
    private final Runnable onFenced;
    private volatile OperationRecord current;
    private volatile boolean fenced;
    private CompletableFuture<Optional<OperationRecord>> tail = CompletableFuture.completedFuture(Optional.empty());

    /**
     * @param onForeignChange sees a record another writer changed (to notice a cancel request)
     * @param onFenced        runs once a write finds the claim lost
     */
    FencedWriter(OperationStore store, String node, OperationRecord claimed, Consumer<OperationRecord> onForeignChange,
                 Runnable onFenced) {
        this.store = store;
        this.node = node;
        this.token = claimed.fencingToken();
        this.current = claimed;
        this.onForeignChange = onForeignChange;
        this.onFenced = onFenced;
    }

    OperationRecord current() {
        return current;
    }

    /** True once a write found another claim's token: nothing this writer holds may be written any more. */
    boolean fenced() {
        return fenced;
    }

    /**
     * Queues a change after those already queued. {@code change} returns null when there is
     * nothing to write; the stage completes with the stored record, or empty when nothing was
     * written (no change, the claim lost, the operation gone).
     */
    synchronized CompletionStage<Optional<OperationRecord>> write(UnaryOperator<OperationRecord> change, String eventKind) {
        CompletableFuture<Optional<OperationRecord>> next = tail.handle((ignored, e) -> null)
                .thenCompose(ignored -> attempt(change, eventKind, 0));
        tail = next;
        return next;
    }

    private CompletionStage<Optional<OperationRecord>> attempt(UnaryOperator<OperationRecord> change, String kind, int tries) {
        OperationRecord r = current;
        if (r.fencingToken() != token) { // another claim since ours: we are a zombie here
            fenced = true;
            onFenced.run();
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (!node.equals(r.leaseOwner())) { // we let it go ourselves (an outcome written): nothing more to say
            return CompletableFuture.completedFuture(Optional.empty());
        }
        OperationRecord next = change.apply(r);
        if (next == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        // a terminal record's event is named by its status, whatever the change planned
        String event = next.isTerminal() && kind != null ? next.status().wireName() : kind;
        return store.update(next, event).thenCompose(stored -> {
            if (stored.isPresent()) {
                current = stored.get();
                return CompletableFuture.completedFuture(stored);
            }
            if (tries >= MAX_TRIES) {
                throw new IllegalStateException("operation " + r.id() + " kept changing under " + MAX_TRIES + " writes");
            }
            return store.get(r.id()).thenCompose(fresh -> {
                if (fresh.isEmpty()) {
                    return CompletableFuture.completedFuture(Optional.<OperationRecord>empty());
                }
                current = fresh.get();
                onForeignChange.accept(fresh.get());
                return attempt(change, kind, tries + 1);
            });
        });
    }
}
