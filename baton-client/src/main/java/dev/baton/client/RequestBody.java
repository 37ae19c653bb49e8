package dev.baton.client;

import dev.baton.http.BodyStream;
import java.nio.charset.StandardCharsets;

/**
 * The body of an outbound request: bytes (sent with Content-Length) or a stream (sent with
 * chunked transfer coding, written through the same {@link dev.baton.http.BodySink} a
 * streamed server response uses). A streamed body cannot be replayed, so it is never retried.
 *
 * <pre>{@code client.post(uri).body(RequestBody.stream("text/csv", sink -> { sink.write("a,b\n"); sink.close(); })).send();}</pre>
 */
public final class RequestBody {
    /** No body. */
    public static final RequestBody EMPTY = new RequestBody(null, null, null);

    private final String contentType;
    private final byte[] bytes;
    private final BodyStream stream;

    private RequestBody(String contentType, byte[] bytes, BodyStream stream) {
        this.contentType = contentType;
        this.bytes = bytes;
        this.stream = stream;
    }

    public static RequestBody of(byte[] bytes, String contentType) {
        return new RequestBody(contentType, bytes.clone(), null);
    }

    public static RequestBody text(String text) {
        return new RequestBody("text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), null);
    }

    /**
     * A body written piece by piece. {@code stream} runs on the connection's event loop once the
     * request head is sent: it must not block (wait on the stages {@code write} returns instead).
     */
    public static RequestBody stream(String contentType, BodyStream stream) {
        return new RequestBody(contentType, null, stream);
    }

    /** The Content-Type, or null for none. */
    public String contentType() {
        return contentType;
    }

    public boolean isEmpty() {
        return bytes == null && stream == null;
    }

    public boolean isStreamed() {
        return stream != null;
    }

    /** False for a streamed body: it can be sent once only. */
    public boolean isReplayable() {
        return stream == null;
    }

    /** The bytes (shared, do not modify), or null when empty or streamed. */
    public byte[] bytes() {
        return bytes;
    }

    /** The producer, or null when not streamed. */
    public BodyStream stream() {
        return stream;
    }
}
