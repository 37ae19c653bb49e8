package dev.baton.operations.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where operations live. Asynchronous throughout, so that a store on a database never holds an
 * event loop or a worker, and shaped for many nodes sharing one store: creation with
 * idempotency, compare-and-set updates by version, claims with a lease and a fencing token, and
 * an event log to replay and follow. {@link InMemoryOperationStore} is the default.
 *
 * <pre>{@code store.update(current.toBuilder().percentComplete(50).build(), OperationEvent.PROGRESS)}</pre>
 *
 * <p>Listeners ({@link #subscribe}) are called in event order, on the writer's thread (or the
 * store's own): they must not block. A store that cannot reach its data fails the call's stage
 * with {@link StoreUnavailableException}, quickly, never by hanging.
 */
public interface OperationStore extends AutoCloseable {

    /**
     * Stores a new operation (at version 1, with its first event, {@code status}). If the record
     * carries an idempotency key its owner used before, nothing is stored: the stage completes
     * with that operation when the fingerprints match, and fails with
     * {@link IdempotencyConflictException} otherwise.
     */
    CompletionStage<Created> create(OperationRecord record);

    /** The operation, if it exists (whoever owns it: scoping is the caller's job). */
    CompletionStage<Optional<OperationRecord>> get(String id);

    /** A page of one owner's operations, newest first. */
    CompletionStage<OperationPage> list(OperationQuery query);

    /**
     * Compare-and-set: stores {@code next} if the stored version is {@code next.version() - 1},
     * appending an event of {@code eventKind} (null for none, e.g. a lease renewal) in the same
     * step. Completes with the stored record (its {@code lastEventId} set), or empty if the
     * operation changed meanwhile or is gone: read it again and decide.
     */
    CompletionStage<Optional<OperationRecord>> update(OperationRecord next, String eventKind);

    /**
     * Claims up to {@code max} operations that may run now (not started and past their
     * {@code notBefore}, oldest first, or running on a lease that lapsed) for {@code node}: each
     * becomes running with one more attempt, a lease until {@code now + lease} and a fencing token
     * higher than any before, with a {@code status} event.
     */
    CompletionStage<List<OperationRecord>> claim(String node, int max, Instant now, Duration lease);

    /** The events of an operation after {@code afterEventId}, in order; empty if it is gone. */
    CompletionStage<List<OperationEvent>> events(String id, long afterEventId);

    /** Calls {@code listener} with each event of the operation appended from now on, until closed. */
    Subscription subscribe(String id, Consumer<OperationEvent> listener);

    /**
     * Calls {@code listener} with each event of the operation whose id is above {@code afterEventId},
     * from now on, until closed. A store whose events reach this node late (from a database) may
     * also replay the stored ones after {@code afterEventId}: a caller that replays them itself
     * skips the ids it has sent, and nothing falls between its replay and this subscription.
     */
    default Subscription subscribe(String id, long afterEventId, Consumer<OperationEvent> listener) {
        return subscribe(id, e -> {
            if (e.id() > afterEventId) {
                listener.accept(e);
            }
        });
    }

    /**
     * Forgets terminal operations finished before {@code finishedBefore}, their events and keys; how
     * many. Any node may call it; a store shared by many nodes lets one purge run at a time.
     */
    CompletionStage<Integer> purge(Instant finishedBefore);

    /**
     * True if operations outlive this process (a database): on shutdown running ones are
     * released for another node instead of cancelled.
     */
    default boolean isDurable() {
        return false;
    }

    @Override
    default void close() {
    }

    /** The outcome of {@link #create}: the operation, and whether this call made it. */
    record Created(OperationRecord record, boolean isNew) {
    }

    /** A listener registration. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
