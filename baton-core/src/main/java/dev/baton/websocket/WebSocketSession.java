package dev.baton.websocket;

import dev.baton.context.CancellationToken;
import dev.baton.context.RequestContext;
import dev.baton.http.Request;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One open WebSocket connection, from the 101 to the close. Safe to use from any thread; sends
 * are written in call order on the connection's event loop.
 *
 * <pre>{@code ws.onText((session, text) -> session.sendText("echo: " + text));}</pre>
 *
 * <p>Every send returns a stage completed when the frame is written to the socket. Bytes sent and
 * not yet written are bounded ({@code webSocketSendBufferSize}): past the bound a send fails at
 * once with {@link SendRejectedException} rather than queue without limit, so a producer should
 * wait for its sends' stages (or check {@link #isWritable()}) before sending more.
 */
public interface WebSocketSession {

    /** The handshake request: its headers, path parameters and query. */
    Request request();

    /** The subprotocol agreed in the handshake, or null when none was. */
    String subprotocol();

    /** Per-session state, for the application (the handshake request's attributes, kept for the session's life). */
    Map<String, Object> attributes();

    /**
     * The session's request context, to hand to what it calls (baton-client, operations): the
     * handshake's request, route, attributes and trace, no deadline (the idle timeout bounds a
     * session), work tracked until the session ends, and completion when it ends. Its token is
     * {@link #cancellationToken()}.
     */
    RequestContext requestContext();

    /**
     * Fires once when the session ends: {@code CLOSED} after a close handshake (either side's) or
     * a protocol error, {@code CLIENT_DISCONNECT} when the connection drops without one,
     * {@code TIMEOUT} on the idle timeout, {@code SHUTDOWN} when the server stops.
     */
    CancellationToken cancellationToken();

    /** Sends a text message in one frame. */
    CompletionStage<Void> sendText(String text);

    /** Sends a binary message in one frame; the array is not copied, so do not change it until the stage completes. */
    CompletionStage<Void> sendBinary(byte[] data);

    /** Sends a ping (at most 125 bytes of payload); the client's pong counts as activity. */
    CompletionStage<Void> ping(byte[] payload);

    /**
     * Starts the close handshake with {@code code} (1000, 1001, 1003, 1007..1014 or 3000..4999) and a
     * reason of at most 123 UTF-8 bytes. The stage completes when the connection has closed.
     * Closing a closed session is a no-op that returns the same stage.
     */
    CompletionStage<Void> close(int code, String reason);

    /** True until a close frame was sent or received, or the connection dropped. */
    boolean isOpen();

    /** False while the bytes sent and not yet written exceed half of the send buffer: a producer should slow down. */
    boolean isWritable();

    /**
     * Completes (on the event loop) when {@link #isWritable()} is true again, at once if it is
     * now, or when the session closes (a send then fails): where a producer resumes.
     *
     * <pre>{@code if (!session.isWritable()) return session.whenWritable().thenCompose(v -> sendRest(session));}</pre>
     */
    CompletionStage<Void> whenWritable();
}
