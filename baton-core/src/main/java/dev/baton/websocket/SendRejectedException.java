package dev.baton.websocket;

/**
 * A send refused at once: the session's send buffer is full (the client reads too slowly) or the
 * session is closed. Nothing of the message was written.
 *
 * <pre>{@code session.sendText(t).exceptionally(e -> { if (e.getCause() instanceof SendRejectedException) slowDown(); return null; });}</pre>
 */
public final class SendRejectedException extends IllegalStateException {
    public SendRejectedException(String message) {
        super(message);
    }
}
