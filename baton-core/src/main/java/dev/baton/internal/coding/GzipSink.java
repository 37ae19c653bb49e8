package dev.baton.internal.coding;

import dev.baton.http.BodySink;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A streamed body's sink that gzips: each write is compressed and flushed (a sync flush, so the
 * client can decode what it got so far) and handed on as one chunk with its stage; close sends the
 * trailer. Writes may come from any thread: the coder is locked so that pieces leave in the order
 * they were compressed. The native deflater is freed however the body ends.
 */
public final class GzipSink implements BodySink {
    private static final byte[] NOTHING = new byte[0];

    private final BodySink next;
    private final Gzip gzip;
    /** Guarded by this: the deflater was freed. */
    private boolean ended;

    public GzipSink(BodySink next, int level) {
        this.next = next;
        this.gzip = new Gzip(level);
        next.onClose(this::end); // the client left, or the body failed: free the deflater
    }

    @Override
    public synchronized CompletionStage<Void> write(byte[] chunk) {
        if (ended) {
            return CompletableFuture.failedFuture(new IOException("the stream is closed"));
        }
        if (chunk.length == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return next.write(gzip.next(chunk, 0, chunk.length));
    }

    @Override
    public boolean isWritable() {
        return next.isWritable();
    }

    @Override
    public boolean isOpen() {
        return next.isOpen();
    }

    @Override
    public synchronized void close() {
        if (ended) {
            next.close();
            return;
        }
        byte[] last = gzip.last(NOTHING, 0, 0);
        end();
        next.write(last);
        next.close();
    }

    @Override
    public synchronized void fail(Throwable cause) {
        end();
        next.fail(cause);
    }

    @Override
    public void onClose(Runnable callback) {
        next.onClose(callback);
    }

    private synchronized void end() {
        if (!ended) {
            ended = true;
            gzip.end();
        }
    }
}
