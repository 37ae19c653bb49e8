package dev.baton.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * Where a streamed body is written. Writes are sent in order as chunks. Each returned stage
 * completes when the connection has taken the data, so a producer that waits on it never
 * outruns a slow client (backpressure). Writes after the client left fail their stage.
 */
public interface BodySink {

    CompletionStage<Void> write(byte[] chunk);

    default CompletionStage<Void> write(String text) {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** True while the connection can take more without buffering. */
    boolean isWritable();

    /** True until closed, failed, or the client disconnects. */
    boolean isOpen();

    /** Ends the body normally. Idempotent. */
    void close();

    /** Aborts the body: the connection is closed, so the client sees a truncated response. */
    void fail(Throwable cause);

    /** Runs once when the body ends for any reason (closed, failed, client gone). */
    void onClose(Runnable callback);
}
