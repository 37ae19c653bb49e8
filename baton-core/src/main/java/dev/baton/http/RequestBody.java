package dev.baton.http;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A request body read as it arrives: a {@link Flow.Publisher} of byte buffers with backpressure,
 * for exactly one reader. While the reader asks for nothing, the server stops reading the
 * connection, so a slow reader holds a bounded amount of memory whatever the body's size. Each
 * buffer handed over is the reader's own (a copy, never reused by the server).
 *
 * <pre>{@code r.post("/uploads", ctx -> ctx.request().bodyStream().transferTo(dir.resolve(UUID.randomUUID() + ".bin"))
 *         .thenApply(bytes -> Response.status(201).text(bytes + " bytes")))
 *  .streamBody(4L << 30);}</pre>
 *
 * <p>The stream fails with an {@link HttpException} when the body breaks the protocol (400), grows
 * past its route's limit (413) or stops arriving (408), so a handler that lets the failure through
 * answers with that status; with an {@link java.io.IOException} when the client leaves mid-body;
 * and with a {@link java.util.concurrent.CancellationException} when the response went out (or the
 * request timed out) before the body was read.
 */
public interface RequestBody extends Flow.Publisher<ByteBuffer> {

    /** The length the request declared ({@code Content-Length}), or -1 when it did not (chunked). */
    long contentLength();

    /** Writes the whole body to {@code file} (created or truncated) without blocking; its byte count. A failed transfer deletes the file. */
    CompletionStage<Long> transferTo(Path file);

    /** The whole body in memory, failing with a 413 {@link HttpException} past {@code maxBytes}. */
    CompletionStage<byte[]> readAll(int maxBytes);

    /** Reads and drops the body; its byte count. */
    CompletionStage<Long> discard();

    /**
     * The body as a blocking stream, for a handler on a worker or virtual thread. Reading it on an
     * event loop thread fails with an {@link IllegalStateException}: it would stop the very loop
     * that delivers the bytes. Closing it before the end drops the rest.
     */
    InputStream asInputStream();
}
