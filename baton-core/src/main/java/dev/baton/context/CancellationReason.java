package dev.baton.context;

/** Why a request's {@link CancellationToken} fired. */
public enum CancellationReason {
    /** The route's (or the global) async timeout elapsed before the response was complete. */
    TIMEOUT,
    /** The client closed or reset the connection while the request was pending. */
    CLIENT_DISCONNECT,
    /** The server is shutting down and the grace period ran out. */
    SHUTDOWN,
    /** Someone asked for the work to stop: a long-running operation's {@code DELETE}, or its client's cancel. */
    CANCEL_REQUESTED,
    /** A long-lived exchange ended normally: a WebSocket session's close handshake (either side's) or protocol error. */
    CLOSED
}
