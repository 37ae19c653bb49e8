package dev.baton;

/**
 * Which thread runs a route's handler. Chosen per route; the server default is {@link #WORKER},
 * which is safe for blocking code.
 *
 * <pre>{@code routing.get("/fast", h).execution(ExecutionModel.EVENT_LOOP);}</pre>
 */
public enum ExecutionModel {
    /**
     * The bounded request worker pool (platform threads) behind the bounded request queue.
     * Safe for blocking code; a full queue answers 503.
     */
    WORKER,
    /**
     * Inline on the connection's I/O thread: no hop, the lowest latency, but the handler must
     * never block, or every connection on that loop stalls.
     */
    EVENT_LOOP,
    /** A new virtual thread per request, bounded only by the in-flight cap. */
    VIRTUAL
}
