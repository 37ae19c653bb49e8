package dev.baton.internal.body;

import io.netty.util.internal.ThreadExecutorMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A body as a blocking stream: the reading thread waits for buffers the event loop hands over,
 * asking for the next one as it takes one, so at most {@value #AHEAD} wait in between.
 */
final class BodyInputStream extends InputStream implements Flow.Subscriber<ByteBuffer> {
    private static final int AHEAD = 2;
    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private ByteBuffer current;
    private Object last;
    private boolean closed;

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(AHEAD);
    }

    @Override
    public void onNext(ByteBuffer bytes) {
        arrived.add(bytes);
    }

    @Override
    public void onError(Throwable error) {
        arrived.add(error);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        ByteBuffer bytes = next();
        if (bytes == null) {
            return -1;
        }
        int n = Math.min(len, bytes.remaining());
        bytes.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    /** The buffer to read from, waiting for one; null at the end. */
    private ByteBuffer next() throws IOException {
        if (closed) {
            throw new IOException("the request body stream is closed");
        }
        if (ThreadExecutorMap.currentExecutor() != null) {
            throw new IllegalStateException("asInputStream() blocks, and this is an event loop thread: run the route on "
                    + "WORKER or VIRTUAL, or read the body without blocking (transferTo, readAll, subscribe)");
        }
        while (current == null || !current.hasRemaining()) {
            if (last == null) {
                last = take();
                if (last instanceof ByteBuffer bytes) {
                    current = bytes;
                    last = null;
                    subscription.request(1);
                    continue;
                }
            }
            if (last == END) {
                return null;
            }
            Throwable error = (Throwable) last;
            throw error instanceof IOException io ? new IOException(io.getMessage(), io) : new IOException(error.getMessage(), error);
        }
        return current;
    }

    private Object take() throws IOException {
        try {
            return arrived.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the request body");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Flow.Subscription s = subscription;
            if (s != null && last == null) {
                s.cancel();
            }
            arrived.clear();
        }
    }
}
