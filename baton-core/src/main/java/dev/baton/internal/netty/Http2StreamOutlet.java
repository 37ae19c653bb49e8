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

/**
 * One HTTP/2 stream as its frames' way out: each frame written on the connection's context after
 * the frame codec, addressed to the stream. What a child channel per stream gave for free is kept
 * here by hand: whether the stream is still open (its {@link Http2Connection} says when it
 * closed), its writability (the codec's flow controller, as its events say), the window returned
 * to the client for the DATA read, and a cut (RST_STREAM(CANCEL)). Writes on the event loop;
 * {@link #isWritable} and {@link #isOpen} from any thread.
 */
final class Http2StreamOutlet implements ResponseOutlet {
    private final ChannelHandlerContext ctx;
    private final Http2FrameStream stream;
    /** For writes nothing waits for ({@link Http2ConnectionParts#unwatched}). */
    private final ChannelPromise unwatched;
    private volatile boolean open = true;
    private volatile boolean writable = true;

    /** {@code ctx}: the connection's handler's, right after the frame codec. */
    Http2StreamOutlet(ChannelHandlerContext ctx, Http2FrameStream stream, ChannelPromise unwatched) {
        this.ctx = ctx;
        this.stream = stream;
        this.unwatched = unwatched;
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
        if (isOpen()) {
            open = false;
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(stream), unwatched);
        }
    }

    /**
     * Gives the client back {@code n} bytes of the stream's window (and the connection's): the
     * codec sends WINDOW_UPDATE once enough has been returned. Flushed by the read that brought
     * them, or by {@code flush}.
     */
    void returnWindow(int n, boolean flush) {
        if (n > 0 && isOpen()) {
            ctx.write(new DefaultHttp2WindowUpdateFrame(n).stream(stream), unwatched);
            if (flush) {
                ctx.flush();
            }
        }
    }

    /** The codec closed the stream: answered, reset, or its connection gone. */
    void closed() {
        open = false;
    }

    /** The codec's flow controller changed its mind about the stream (event loop). */
    void writable(boolean writable) {
        this.writable = writable;
    }
}
