package dev.baton.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Requests a connection has received but not yet started, in arrival order, with read
 * backpressure: past {@value #MAX_PIPELINED} waiting, the connection stops reading until half
 * have been taken. Also holds a 100 Continue that must wait for the responses still owed to
 * the requests before it. Event loop only.
 */
final class PipelinedRequests {
    static final int MAX_PIPELINED = 16;

    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private final Channel channel;
    /** Told how long reading was off, when it comes back on; may be null. */
    private final StrictRequestScanner scanner;
    private long pausedAtNanos;
    private ByteBuf interim;

    PipelinedRequests(Channel channel, StrictRequestScanner scanner) {
        this.channel = channel;
        this.scanner = scanner;
    }

    /** A request that arrived, a {@link RejectedRequest}, or a {@link Dispatch.Refused} made on a head alone. */
    void add(Object request) {
        waiting.add(request);
        if (waiting.size() >= MAX_PIPELINED && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            pausedAtNanos = System.nanoTime();
        }
    }

    /** The next request to start, or null. */
    Object poll() {
        Object next = waiting.poll();
        // after a rejection the connection reads no more: the scanner turned reading off for good
        if (next != null && !(next instanceof RejectedRequest) && !(next instanceof Dispatch.Refused) && waiting.size() < MAX_PIPELINED / 2
                && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
            if (scanner != null && pausedAtNanos != 0) {
                scanner.readingWasPaused(System.nanoTime() - pausedAtNanos);
            }
            pausedAtNanos = 0;
        }
        return next;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Holds an interim response until {@link #takeInterim()}; a newer one replaces it. */
    void holdInterim(ByteBuf bytes) {
        if (interim != null) {
            interim.release();
        }
        interim = bytes;
    }

    /** The interim response held, or null. */
    ByteBuf takeInterim() {
        ByteBuf out = interim;
        interim = null;
        return out;
    }

    /** Drops everything held: the connection is closing. */
    void releaseAll() {
        ReferenceCountUtil.release(takeInterim());
        Object o;
        while ((o = waiting.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }
}
