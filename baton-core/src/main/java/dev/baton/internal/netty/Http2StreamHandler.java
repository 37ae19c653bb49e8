package dev.baton.internal.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side of one HTTP/2 stream, one request: feeds the client's HEADERS and DATA to its
 * {@link Http2RequestIntake}, which makes them the request its {@link Http2StreamRequest}
 * dispatches and serves; the answers leave through the {@link Http2StreamAnswers}, as HEADERS and
 * DATA frames. A stream the client resets, or whose connection closes, cancels its request with
 * {@code CLIENT_DISCONNECT}. What the connection's streams share (its clock, its timers, its body
 * budget) is its {@link Http2ConnectionParts}; the {@link Http2Connection} asks the stream whether
 * it is busy, and cancels it on shutdown, but is never called from here. Confined to its
 * connection's event loop.
 */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2StreamHandler.class);

    private final Http2ConnectionParts parts;
    private final RequestDispatcher dispatcher;
    private ChannelHandlerContext ctx;
    private Http2StreamAnswers answers;
    private Http2StreamRequest request;
    private Http2RequestIntake intake;

    Http2StreamHandler(Http2ConnectionParts parts, RequestDispatcher dispatcher) {
        this.parts = parts;
        this.dispatcher = dispatcher;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        answers = new Http2StreamAnswers(ctx, parts, dispatcher.server());
        request = new Http2StreamRequest(ctx, parts, dispatcher, answers);
        intake = new Http2RequestIntake(ctx, parts, dispatcher, request, answers);
        parts.touch();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        parts.touch();
        try {
            if (msg instanceof Http2HeadersFrame f) {
                answers.clientSent(f.isEndStream());
                intake.onHeaders(f);
            } else if (msg instanceof Http2DataFrame f) {
                answers.clientSent(f.isEndStream());
                intake.onData(f);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The stream closed: answered, reset by the client, or its connection gone. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        request.clientLeft();
        intake.closed(); // after the token: a handler failing with its body is not an answer to a client gone
        request.cutStream();
        parts.touch();
        ctx.fireChannelInactive();
    }

    /**
     * The client reset the stream. A stream whose reading is paused holds DATA it has not read and
     * would wait for a read to close: it is closed on the next turn of the loop, once the codec has
     * closed the stream (so that no reset of ours answers the client's, RFC 9113 5.4.2).
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame) {
            ctx.executor().execute(this::closeHeld);
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** The connection closed: a stream paused with DATA unread closes now too (it would wait for a read). */
    void closeHeld() {
        if (ctx.channel().isOpen()) {
            ctx.close();
        }
    }

    /** Graceful shutdown ran out of time: cancel what is in flight on this stream and answer 503. */
    void cancelForShutdown() {
        request.cancelForShutdown();
    }

    /** Whether a request of this stream is being served (not merely arriving). */
    boolean busy() {
        return request.busy();
    }

    /**
     * A stream error the codec found (a body longer or shorter than its content-length, say): the
     * stream is reset with its code before the multiplexer closes it (which alone would say CANCEL).
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP/2 stream on {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        if (cause instanceof Http2Exception e && ctx.channel().isActive()) {
            intake.failed();
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error())).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
