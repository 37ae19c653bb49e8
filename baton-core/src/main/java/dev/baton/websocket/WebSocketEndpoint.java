package dev.baton.websocket;

import java.util.List;
import java.util.Objects;

/**
 * What a WebSocket route does with its sessions: a callback per event and the subprotocols it
 * speaks, set once in the route's registration lambda. Callbacks run on the route's execution
 * model (worker pool by default), one at a time per session and in order; a callback may return a
 * {@code CompletionStage}, and the session's next event waits for it. A callback that throws (or
 * whose stage fails) closes the session with 1011 after {@code onError}.
 *
 * <pre>{@code routing.ws("/echo", ws -> ws.onText((session, text) -> session.sendText(text)));}</pre>
 */
public final class WebSocketEndpoint {

    /** The session is open (after the 101); may return a stage. */
    @FunctionalInterface
    public interface OnOpen {
        Object opened(WebSocketSession session) throws Exception;
    }

    /** A whole message arrived (fragments joined); may return a stage. */
    @FunctionalInterface
    public interface OnMessage<T> {
        Object received(WebSocketSession session, T message) throws Exception;
    }

    /** The session closed: the code the client sent (1005 when none), or the one the server closed with (1006: dropped). */
    @FunctionalInterface
    public interface OnClose {
        void closed(WebSocketSession session, int code, String reason) throws Exception;
    }

    /** A callback failed; the session closes with 1011 right after. */
    @FunctionalInterface
    public interface OnError {
        void failed(WebSocketSession session, Throwable error) throws Exception;
    }

    private OnOpen onOpen = session -> null;
    private OnMessage<String> onText = (session, text) -> null;
    private OnMessage<byte[]> onBinary = (session, data) -> null;
    private OnClose onClose = (session, code, reason) -> { };
    private OnError onError = (session, error) -> { };
    private List<String> subprotocols = List.of();

    public WebSocketEndpoint onOpen(OnOpen callback) {
        this.onOpen = Objects.requireNonNull(callback, "onOpen");
        return this;
    }

    public WebSocketEndpoint onText(OnMessage<String> callback) {
        this.onText = Objects.requireNonNull(callback, "onText");
        return this;
    }

    public WebSocketEndpoint onBinary(OnMessage<byte[]> callback) {
        this.onBinary = Objects.requireNonNull(callback, "onBinary");
        return this;
    }

    public WebSocketEndpoint onClose(OnClose callback) {
        this.onClose = Objects.requireNonNull(callback, "onClose");
        return this;
    }

    public WebSocketEndpoint onError(OnError callback) {
        this.onError = Objects.requireNonNull(callback, "onError");
        return this;
    }

    /**
     * The subprotocols this route speaks, preferred first: the server picks the first one the
     * client offers in {@code Sec-WebSocket-Protocol}; a client that offers only others gets none
     * (and may close). None set: no subprotocol is ever agreed.
     */
    public WebSocketEndpoint subprotocols(String... names) {
        for (String n : names) {
            if (n == null || !dev.baton.http.FieldSyntax.isToken(n)) { // RFC 6455 4.1
                throw new IllegalArgumentException("a subprotocol is a token: " + n);
            }
        }
        this.subprotocols = List.of(names);
        return this;
    }

    public OnOpen onOpen() {
        return onOpen;
    }

    public OnMessage<String> onText() {
        return onText;
    }

    public OnMessage<byte[]> onBinary() {
        return onBinary;
    }

    public OnClose onClose() {
        return onClose;
    }

    public OnError onError() {
        return onError;
    }

    public List<String> subprotocols() {
        return subprotocols;
    }
}
