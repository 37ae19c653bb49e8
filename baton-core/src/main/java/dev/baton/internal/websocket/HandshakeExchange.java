package dev.baton.internal.websocket;

import dev.baton.ServerConfig;
import dev.baton.context.CancellationReason;
import dev.baton.context.RequestContext;

/**
 * The HTTP exchange that carried a WebSocket handshake, as the handshake's checks and the session
 * after it see it: its request context, the server's settings, its token and its route's executor.
 * The HTTP side implements it; nothing here reaches back into the connection.
 */
public interface HandshakeExchange extends RequestContext {

    /** The server's settings (the handshake and the session read their own). */
    ServerConfig serverConfig();

    /** Fires the handshake's cancellation token: the session is closing or gone. */
    void cancelToken(CancellationReason why);

    /** Runs a session's callback the way the route runs its handlers; false if the executor refused it. */
    boolean executeProducer(Runnable callback);
}
