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

/**
 * The Netty side of one HTTP/2 stream, one request: feeds the client's HEADERS and DATA to its
 * {@link Http2RequestIntake}, which makes them the request its {@link Http2StreamRequest}
 * dispatches and serves; the answers leave through the {@link Http2StreamAnswers}, as HEADERS and
 * DATA frames. A stream the client resets, or whose connection closes, cancels its request with
 * {@code CLIENT_DISCONNECT}. The {@link Http2Connection} keeps its streams' handlers, for its
 * timers and its shutdown. Confined to its connection's event loop.
 */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter {
    private final Http2Connection connection;
    private final RequestDispatcher dispatcher;
    private ChannelHandlerContext ctx;
    private Http2StreamAnswers answers;
    private Http2StreamRequest request;
    private Http2RequestIntake intake;

    Http2StreamHandler(Http2Connection connection, RequestDispatcher dispatcher) {
        this.connection = connection;
        this.dispatcher = dispatcher;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        answers = new Http2StreamAnswers(ctx, connection, dispatcher.server());
        request = new Http2StreamRequest(ctx, connection, dispatcher, answers);
        intake = new Http2RequestIntake(ctx, connection, dispatcher, request, answers);
        connection.opened(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.touch();
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

    /** For the connection's body-rate timer: true while this stream's body is still awaited (see {@link Http2RequestIntake#checkBodyRate}). */
    boolean checkBodyRate(long nowNanos) {
        return intake.checkBodyRate(nowNanos);
    }

    /** The stream closed: answered, reset by the client, or its connection gone. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        request.clientLeft();
        intake.closed(); // after the token: a handler failing with its body is not an answer to a client gone
        request.cutStream();
        connection.closed(this);
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

    /** The request awaiting its handler's answer, or null. */
    Exchange inFlight() {
        return request.inFlight();
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
        connection.streamFailed(cause);
        if (cause instanceof Http2Exception e && ctx.channel().isActive()) {
            intake.failed();
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error())).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
