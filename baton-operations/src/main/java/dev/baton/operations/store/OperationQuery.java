package dev.baton.operations.store;

import dev.baton.operations.OperationStatus;
import java.util.Set;

/**
 * A page request over one owner's operations, newest first.
 *
 * <pre>{@code new OperationQuery(owner, Set.of(OperationStatus.RUNNING), null, 20, null)}</pre>
 *
 * @param owner    only this owner's (null: those without owner)
 * @param statuses only these; empty for all
 * @param type     only this type; null for all
 * @param pageSize at most this many
 * @param after    the cursor of the last item of the previous page, or null for the first
 */
public record OperationQuery(String owner, Set<OperationStatus> statuses, String type, int pageSize, Cursor after) {

    /** A position in the newest-first order: creation time (nanoseconds since the epoch), then id. */
    public record Cursor(long createdNanos, String id) {
        /** Where {@code r} stands in the order. */
        public static Cursor of(OperationRecord r) {
            return new Cursor(r.createdAt().getEpochSecond() * 1_000_000_000L + r.createdAt().getNano(), r.id());
        }
    }
}
