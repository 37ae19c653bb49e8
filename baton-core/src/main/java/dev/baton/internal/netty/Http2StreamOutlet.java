package dev.baton.internal.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * One HTTP/2 stream as its frames' way out: each frame written on the connection's context after
 * the frame codec, addressed to the stream. What a child channel per stream gave for free is kept
 * here by hand: whether the stream is still open (its {@link Http2Connection} says when it
 * closed), its writability (the codec's flow controller, as its events say), the window returned
 * to the client for the DATA read, and a cut (RST_STREAM(CANCEL)). Writes on the event loop;
 * {@link #isWritable} and {@link #isOpen} from any thread.
 */
final class Http2StreamOutlet implements ResponseOutlet {
    /** How long an answered stream waits for the client to spend its window or end its body before its reset. */
    static final long CLOSING_GRACE_MILLIS = 1000;
    private final ChannelHandlerContext ctx;
    private final Http2FrameStream stream;
    /** For writes nothing waits for ({@link Http2ConnectionParts#unwatched}). */
    private final ChannelPromise unwatched;
    /** What the client may still send on the stream: the codec's receive window for it. */
    private final IntSupplier receiveWindow;
    private volatile boolean open = true;
    private volatile boolean writable = true;
    /** Answered while the client still sends: its window is kept, and the stream is reset once it is spent. */
    private Http2Error closing;
    private ScheduledFuture<?> closingDeadline;

    /** {@code ctx}: the connection's handler's, right after the frame codec. */
    Http2StreamOutlet(ChannelHandlerContext ctx, Http2FrameStream stream, ChannelPromise unwatched, IntSupplier receiveWindow) {
        this.ctx = ctx;
        this.stream = stream;
        this.unwatched = unwatched;
        this.receiveWindow = receiveWindow;
    }

    @Override
    public EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public ChannelFuture write(Object msg) {
        return ctx.write(addressed(msg));
    }

    @Override
    public ChannelFuture writeAndFlush(Object msg) {
        return ctx.writeAndFlush(addressed(msg));
    }

    /** Writes {@code frame} with no future to wait for (none is made). */
    void writeUnwatched(Http2StreamFrame frame) {
        ctx.write(frame.stream(stream), unwatched);
    }

    private Object addressed(Object msg) {
        return msg instanceof Http2StreamFrame f ? f.stream(stream) : msg;
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return writable && ctx.channel().isWritable();
    }

    @Override
    public boolean isOpen() {
        return open && ctx.channel().isActive();
    }

    /**
     * Resets the stream with CANCEL on the next turn of the loop: what ends the response now (its
     * producer's end) runs before the stream's close, which would otherwise look like the client's.
     */
    @Override
    public void cut() {
        if (open) {
            open = false;
            ctx.executor().execute(() -> {
                if (stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(stream), unwatched);
                }
            });
        }
    }

    /** Resets the stream with {@code error} (the codec closes it), unless it is closed already. */
    void reset(Http2Error error) {
        stopClosing();
        if (isOpen()) {
            open = false;
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(stream), unwatched);
        }
    }

    /**
     * RST_STREAM({@code error}) once the client can send nothing more on the stream: at once if its
     * window is spent, else when it is (the window is no longer returned), unless the client ends
     * its body first (the stream then closes by itself), and after {@link #CLOSING_GRACE_MILLIS} at
     * the latest. Reset with DATA still in flight, the stream is forgotten by Netty, which answers
     * each frame that follows with a RST_STREAM of its own and counts those against the resets a
     * connection may send: a client with a few refused uploads on one connection would see it closed
     * with ENHANCE_YOUR_CALM.
     */
    void resetOnceSpent(Http2Error error) {
        if (!isOpen() || closing != null) {
            return;
        }
        closing = error;
        if (receiveWindow.getAsInt() <= 0) {
            reset(error);
        } else {
            closingDeadline = ctx.executor().schedule(() -> reset(error), CLOSING_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** A DATA frame of the client arrived (after the stream's handling of it): a closing stream may be spent now. */
    void dataArrived(boolean endStream) {
        if (closing == null || !isOpen()) {
            return;
        }
        if (endStream) {
            stopClosing(); // both sides ended: the codec closes the stream, no reset needed
        } else if (receiveWindow.getAsInt() <= 0) {
            reset(closing);
        }
    }

    private void stopClosing() {
        if (closingDeadline != null) {
            closingDeadline.cancel(false);
            closingDeadline = null;
        }
    }

    /**
     * Gives the client back {@code n} bytes of the stream's window (and the connection's): the
     * codec sends WINDOW_UPDATE once enough has been returned. Flushed by the read that brought
     * them, or by {@code flush}.
     */
    void returnWindow(int n, boolean flush) {
        if (n > 0 && isOpen() && closing == null) {
            ctx.write(new DefaultHttp2WindowUpdateFrame(n).stream(stream), unwatched);
            if (flush) {
                ctx.flush();
            }
        }
    }

    /** The codec closed the stream: answered, reset, or its connection gone. */
    void closed() {
        open = false;
        stopClosing();
    }

    /** The codec's flow controller changed its mind about the stream (event loop). */
    void writable(boolean writable) {
        this.writable = writable;
    }
}
