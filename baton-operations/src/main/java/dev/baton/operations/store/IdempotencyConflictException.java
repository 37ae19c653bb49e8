package dev.baton.operations.store;

/**
 * An {@code Idempotency-Key} the owner already used: for another request body ({@link #mismatch()}),
 * or for a request still being created.
 *
 * <pre>{@code catch (IdempotencyConflictException e) { status = e.mismatch() ? 422 : 409; }}</pre>
 */
public final class IdempotencyConflictException extends RuntimeException {
    private final boolean mismatch;
    private final String operationId;

    public IdempotencyConflictException(boolean mismatch, String operationId, String message) {
        super(message, null, false, false);
        this.mismatch = mismatch;
        this.operationId = operationId;
    }

    /** True if the key was used with another body; false if its first request is still being created. */
    public boolean mismatch() {
        return mismatch;
    }

    /** The operation the key belongs to, if it exists yet. */
    public String operationId() {
        return operationId;
    }
}
