package dev.baton.client.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * A response body handed over while it arrives. The event loop offers chunks; a reader on
 * another thread takes them. When more than {@link #HIGH_WATER} bytes wait, the channel stops
 * reading from the socket until the reader has caught up (backpressure).
 */
final class ResponseStream extends InputStream {
    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;

    private final Channel channel;
    private final Runnable onEarlyClose;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int pos;
    private int buffered;
    private boolean ended;
    private boolean closed;
    private Throwable failure;

    ResponseStream(Channel channel, Runnable onEarlyClose) {
        this.channel = channel;
        this.onEarlyClose = onEarlyClose;
    }

    synchronized void offer(ByteBuf data) {
        byte[] bytes = ByteBufUtil.getBytes(data);
        chunks.add(bytes);
        buffered += bytes.length;
        if (buffered > HIGH_WATER) {
            channel.config().setAutoRead(false);
        }
        notifyAll();
    }

    synchronized void end() {
        ended = true;
        notifyAll();
    }

    synchronized void fail(Throwable cause) {
        if (!ended) {
            failure = cause;
            notifyAll();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("a streamed response body cannot be read on an event loop: it would block "
                    + "the loop that feeds it; read it on a worker or virtual thread");
        }
        while (current == null || pos == current.length) {
            if (closed) {
                throw new IOException("the response stream is closed");
            }
            current = chunks.poll();
            pos = 0;
            if (current != null) {
                break;
            }
            if (failure != null) {
                throw new IOException("the response body was cut short: " + failure.getMessage(), failure);
            }
            if (ended) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading the response body");
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        buffered -= n;
        if (buffered < LOW_WATER && !ended && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
        return n;
    }

    @Override
    public synchronized int available() {
        return buffered;
    }

    /** Closing before the end aborts the exchange: its connection is closed rather than drained. */
    @Override
    public void close() {
        boolean early;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            early = !ended && failure == null;
            chunks.clear();
            notifyAll();
        }
        if (early) {
            onEarlyClose.run();
        }
    }
}
