package dev.baton.client.internal;

import dev.baton.client.ConnectionClosedException;
import dev.baton.client.MalformedResponseException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;

/**
 * One exchange on one HTTP/2 stream, the last handler of the stream's channel. Netty's codec
 * turns the stream's frames into the HTTP/1.1 message objects {@link OutboundExchange} reads
 * (and its request into frames), after {@link ResponseHeadersCheck} has held the headers to
 * RFC 9113. Aborting the exchange closes the stream alone: Netty sends RST_STREAM(CANCEL). A
 * stream the server refused or never processed (RST_STREAM(REFUSED_STREAM), or past a GOAWAY's
 * last stream) runs again on a new stream, as RFC 9113 8.7 allows for any method.
 */
final class H2Stream extends ChannelInboundHandlerAdapter implements Transport {
    private final H2Connection connection;
    private final OutboundExchange exchange;
    private Http2StreamChannel channel;
    private boolean released;
    private long resetCode = -1;

    H2Stream(H2Connection connection, OutboundExchange exchange) {
        this.connection = connection;
        this.exchange = exchange;
    }

    ChannelHandler initializer() {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ResponseHeadersCheck(), new Http2StreamFrameToHttpObjectCodec(false, true), H2Stream.this);
            }
        };
    }

    /** The stream is open (on the loop): the exchange writes its request. */
    void begin(Http2StreamChannel ch) {
        channel = ch;
        exchange.begin(this);
    }

    @Override
    public EventLoop loop() {
        return connection.loop();
    }

    @Override
    public Channel channel() {
        return channel;
    }

    /**
     * Frees the stream's place on the connection, once, in a task of its own: Netty may still be
     * closing the stream (a new one opened from inside that would count it as open).
     */
    void release() {
        if (!released) {
            released = true;
            connection.loop().execute(connection::streamEnded);
        }
    }

    @Override
    public void ended(OutboundExchange ex, boolean reusable) {
        // the response is complete; Netty closes the stream once our side ended too, and its place
        // is free when it has: Netty counts it open until then (a new stream past the server's
        // limit would be a connection error)
        if (!channel.isActive()) {
            release();
        } else if (!reusable) {
            // the response is whole but our request is not (a streamed body still going): the exchange is
            // over, so the stream is reset rather than kept open for the rest (RFC 9113 8.1)
            channel.close();
        }
    }

    @Override
    public void abandon(OutboundExchange ex) {
        if (channel.isActive()) {
            channel.close(); // RST_STREAM(CANCEL) for a stream still open: the connection and its other streams go on
        } else {
            release();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        exchange.onMessage(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame r) {
            resetCode = r.errorCode();
        }
        ReferenceCountUtil.release(evt instanceof Http2GoAwayFrame ? evt : null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a stream error: Netty found the response breaking RFC 9113 (a connection-specific header, a
        // content-length its DATA frames contradict...) or the checks or the codec did
        exchange.fail(new MalformedResponseException(exchange + ": malformed HTTP/2 response: " + cause.getMessage(), cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        if (exchange.isDone()) {
            return;
        }
        int id = channel == null ? -1 : channel.stream().id();
        boolean unprocessed = resetCode == Http2Error.REFUSED_STREAM.code() || connection.refusedByGoAway(id);
        if (unprocessed && exchange.restart()) {
            return;
        }
        Throwable why = connection.failure();
        if (why instanceof io.netty.handler.codec.http2.Http2Exception) {
            exchange.fail(new MalformedResponseException(exchange + ": the HTTP/2 connection failed: " + why.getMessage(), why));
            return;
        }
        String reason = resetCode >= 0 ? "the server reset the stream (" + errorName(resetCode) + ")"
                : unprocessed ? "the server refused the stream" : "the HTTP/2 connection closed before the response was complete";
        exchange.fail(new ConnectionClosedException(reason + (why == null ? "" : ": " + why.getMessage()),
                exchange.responseStarted(), why));
    }

    /** An error code's name (RFC 9113 7), or its number when it has none. */
    static String errorName(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e != null ? e.name() : "error " + code;
    }
}
