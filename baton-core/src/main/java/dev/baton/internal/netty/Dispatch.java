package dev.baton.internal.netty;

import dev.baton.http.Response;

/**
 * What the dispatcher made of a request: the {@link Exchange} it admitted, for the connection to
 * make its request in flight and start, or a refusal for it to write at once (a bad target, 404,
 * 405, OPTIONS, 501, overload, shutdown). An exchange is its own decision: no wrapper per request.
 */
sealed interface Dispatch permits Exchange, Dispatch.Refused {

    /**
     * Answered without a handler. {@code forceClose}: the connection cannot go on (a malformed
     * target, shutdown), so it closes after the answer whatever the client asked.
     */
    record Refused(Response response, boolean keepAlive, boolean head, boolean forceClose, Line line) implements Dispatch {

        /** A refusal the access log does not show. */
        Refused(Response response, boolean keepAlive, boolean head, boolean forceClose) {
            this(response, keepAlive, head, forceClose, null);
        }

        /** The request as the access log shows it ({@code null} parts: unknown), and when it arrived. */
        record Line(String method, String rawPath, String traceId, long arrivalNanos) {
        }
    }
}
