package dev.baton.operations;

import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What an operation's handler gets besides its input: who it is, its progress channel, its
 * cancellation token and deadline. Thread-safe; valid until the handler's attempt ends.
 *
 * <pre>{@code op.progress(40, "4 of 10 files"); op.cancellation().throwIfCancelled();}</pre>
 */
public interface OperationContext {

    /** The operation's id, as in its URL. */
    String id();

    /** The operation type's name. */
    String type();

    /** Which attempt this is: 1, then 2... for a retried type. */
    int attempt();

    /**
     * Reports progress. Cheap: it records the value and returns; writes are coalesced (at most
     * one per {@code progressInterval}), the last value always written. Ignored once the
     * operation has ended.
     *
     * @param percent 0..100
     * @param message a short note for people (at most 1000 characters), or null
     * @throws IllegalArgumentException if percent is out of range or the message is too long
     */
    void progress(int percent, String message);

    default void progress(int percent) {
        progress(percent, null);
    }

    /**
     * Saves a small state (anything Jackson writes as JSON, at most 64 KiB) with the operation, so
     * that an attempt that starts over (another node's, after this one was lost, or a retry) can
     * resume from it with {@link #lastCheckpoint}. Cheap and coalesced like {@link #progress}: it
     * goes out with the next progress write, and the last one always goes out with the outcome.
     *
     * <pre>{@code op.checkpoint(new Cursor(page)); ... int from = op.lastCheckpoint(Cursor.class).map(Cursor::page).orElse(0);}</pre>
     *
     * @throws IllegalArgumentException if the state is not JSON-able or too large
     */
    void checkpoint(Object state);

    /** The last checkpoint saved by this or an earlier attempt, bound to {@code type}; empty if none. */
    <T> Optional<T> lastCheckpoint(Class<T> type);

    /**
     * Fires with {@code CANCEL_REQUESTED} (a DELETE, or the client's cancel), {@code TIMEOUT}
     * (the type's timeout) or {@code SHUTDOWN} (the server stops). Stop soon after it fires:
     * a handler that ignores it past {@code cancelGrace} is reported and abandoned.
     */
    CancellationToken cancellation();

    /** When this attempt times out. */
    Deadline deadline();

    /** A scheduler for timers in asynchronous handlers. Never block on it. */
    ScheduledExecutorService scheduler();
}
