package dev.baton.operations.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.http.Problem;
import dev.baton.operations.OperationStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * One operation as a store keeps it: an immutable snapshot at one {@code version}. Every change
 * is a new snapshot written by compare-and-set on the version.
 *
 * <pre>{@code OperationRecord running = queued.toBuilder().status(OperationStatus.RUNNING).build();}</pre>
 *
 * @param id             128 random bits, base64url
 * @param type           the operation type's name
 * @param owner          who may see it; null for no owner
 * @param status         where it is
 * @param percentComplete 0..100
 * @param message        the handler's last progress note, or null
 * @param input          the input as JSON (null for none)
 * @param result         the result as JSON, once succeeded
 * @param error          the problem, once failed or canceled
 * @param idempotencyKey the creating request's key, or null
 * @param fingerprint    a hash of the creating request's type and body, to tell a replay from a misuse of a key
 * @param createdAt      when it was created
 * @param startedAt      when its first attempt started, or null
 * @param finishedAt     when it became terminal, or null
 * @param attempts       how many attempts have started
 * @param rescues        how many times another node took it over because the one running it was lost (its lease lapsed)
 * @param notBefore      not to be claimed before this (a retry's backoff), or null
 * @param cancelRequested a cancel was asked for
 * @param checkpoint     the handler's last checkpoint ({@code op.checkpoint(state)}) as JSON, or null
 * @param leaseOwner     the node running it, or null
 * @param leaseUntil     when that node's claim lapses unless renewed
 * @param fencingToken   raised by every claim; writes of an older claim are refused
 * @param version        raised by every write
 * @param lastEventId    the id of its last event (0 before any)
 */
public record OperationRecord(String id, String type, String owner, OperationStatus status, int percentComplete,
                              String message, JsonNode input, JsonNode result, Problem error, String idempotencyKey,
                              String fingerprint, Instant createdAt, Instant startedAt, Instant finishedAt, int attempts,
                              int rescues, Instant notBefore, boolean cancelRequested, JsonNode checkpoint,
                              String leaseOwner, Instant leaseUntil, long fencingToken, long version, long lastEventId) {

    public OperationRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new operation, not started, at version 1. */
    public static OperationRecord created(String id, String type, String owner, JsonNode input, String idempotencyKey,
                                          String fingerprint, Instant now) {
        return new OperationRecord(id, type, owner, OperationStatus.NOT_STARTED, 0, null, input, null, null, idempotencyKey,
                fingerprint, now, null, null, 0, 0, null, false, null, null, null, 0, 1, 0);
    }

    /** This snapshot with the id of the event that announced it: what a store does when it appends that event. */
    public OperationRecord withLastEventId(long eventId) {
        return new OperationRecord(id, type, owner, status, percentComplete, message, input, result, error, idempotencyKey,
                fingerprint, createdAt, startedAt, finishedAt, attempts, rescues, notBefore, cancelRequested, checkpoint,
                leaseOwner, leaseUntil, fencingToken, version, eventId);
    }

    public boolean isTerminal() {
        return status.isTerminal();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Makes the next snapshot: a copy with some fields changed. */
    public static final class Builder {
        private final OperationRecord from;
        private OperationStatus status;
        private int percentComplete;
        private String message;
        private JsonNode result;
        private Problem error;
        private Instant startedAt;
        private Instant finishedAt;
        private int attempts;
        private int rescues;
        private Instant notBefore;
        private boolean cancelRequested;
        private JsonNode checkpoint;
        private String leaseOwner;
        private Instant leaseUntil;
        private long fencingToken;

        private Builder(OperationRecord r) {
            from = r;
            status = r.status;
            percentComplete = r.percentComplete;
            message = r.message;
            result = r.result;
            error = r.error;
            startedAt = r.startedAt;
            finishedAt = r.finishedAt;
            attempts = r.attempts;
            rescues = r.rescues;
            notBefore = r.notBefore;
            cancelRequested = r.cancelRequested;
            checkpoint = r.checkpoint;
            leaseOwner = r.leaseOwner;
            leaseUntil = r.leaseUntil;
            fencingToken = r.fencingToken;
        }

        public Builder status(OperationStatus v) { status = v; return this; }
        public Builder percentComplete(int v) { percentComplete = v; return this; }
        public Builder message(String v) { message = v; return this; }
        public Builder result(JsonNode v) { result = v; return this; }
        public Builder error(Problem v) { error = v; return this; }
        public Builder startedAt(Instant v) { startedAt = v; return this; }
        public Builder finishedAt(Instant v) { finishedAt = v; return this; }
        public Builder attempts(int v) { attempts = v; return this; }
        public Builder rescues(int v) { rescues = v; return this; }
        public Builder checkpoint(JsonNode v) { checkpoint = v; return this; }
        public Builder notBefore(Instant v) { notBefore = v; return this; }
        public Builder cancelRequested(boolean v) { cancelRequested = v; return this; }
        public Builder lease(String owner, Instant until) { leaseOwner = owner; leaseUntil = until; return this; }
        public Builder fencingToken(long v) { fencingToken = v; return this; }

        /** The next version; the store assigns {@code lastEventId} when it appends an event. */
        public OperationRecord build() {
            return new OperationRecord(from.id, from.type, from.owner, status, percentComplete, message, from.input, result,
                    error, from.idempotencyKey, from.fingerprint, from.createdAt, startedAt, finishedAt, attempts, rescues, notBefore,
                    cancelRequested, checkpoint, leaseOwner, leaseUntil, fencingToken, from.version + 1, from.lastEventId);
        }
    }
}
