package dev.baton.client;

/**
 * Every connection to the host was busy and the request could not wait: the host's wait queue
 * was full, or the request waited in it until its deadline. It was never sent.
 */
public final class PoolExhaustedException extends HttpClientException {
    /** Which limit was hit. */
    public enum Reason { QUEUE_FULL, WAIT_TIMED_OUT }

    private final Reason reason;

    public PoolExhaustedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
