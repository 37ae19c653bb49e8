package dev.baton.internal.netty;

import dev.baton.http.Response;

/**
 * What the dispatcher made of a request: an exchange for the connection to start, or a refusal
 * for it to write at once (a bad target, 404, 405, OPTIONS, 501, overload, shutdown).
 */
sealed interface Dispatch {

    /** Admitted: the connection makes it its request in flight, then starts it. */
    record Admitted(Exchange exchange) implements Dispatch {
    }

    /**
     * Answered without a handler. {@code forceClose}: the connection cannot go on (a malformed
     * target, shutdown), so it closes after the answer whatever the client asked.
     */
    record Refused(Response response, boolean keepAlive, boolean head, boolean forceClose) implements Dispatch {
    }
}
