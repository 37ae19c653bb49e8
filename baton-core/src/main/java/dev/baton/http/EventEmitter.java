package dev.baton.http;

import java.util.concurrent.CompletionStage;

/**
 * Sends Server-Sent Events to one client. Thread-safe. Each send's stage completes when the
 * event has been handed to the connection (backpressure) and fails once the client has gone.
 * Heartbeat comments keep idle proxies from dropping the stream.
 */
public interface EventEmitter {

    CompletionStage<Void> send(SseEvent event);

    default CompletionStage<Void> send(String data) {
        return send(SseEvent.of(data));
    }

    /** A comment line ({@code : text}), ignored by clients. */
    CompletionStage<Void> comment(String text);

    boolean isOpen();

    /** Ends the stream. Idempotent. */
    void close();

    /** Runs once when the stream ends: closed here, or the client disconnected. */
    void onClose(Runnable callback);
}
