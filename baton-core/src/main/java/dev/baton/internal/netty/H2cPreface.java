package dev.baton.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * First on a cleartext connection: looks at its first bytes, before the strict HTTP/1.1 scanner
 * does. If they are HTTP/2's client preface (h2c by prior knowledge, RFC 9113 3.3) the connection's
 * HTTP/1.1 handlers make way for {@link Http2Pipeline}; at the first byte that differs it steps
 * aside and HTTP/1.1 goes on exactly as without it. Holds at most the preface's 24 bytes.
 */
final class H2cPreface extends ChannelInboundHandlerAdapter {
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
    private static final int LENGTH = PREFACE.readableBytes();

    private final RequestDispatcher dispatcher;
    private ByteBuf seen;

    H2cPreface(RequestDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf buf = seen == null ? in : ctx.alloc().buffer(seen.readableBytes() + in.readableBytes()).writeBytes(seen).writeBytes(in);
        if (seen != null) {
            seen.release();
            seen = null;
            in.release();
        }
        int n = Math.min(buf.readableBytes(), LENGTH);
        if (!ByteBufUtil.equals(buf, buf.readerIndex(), PREFACE, 0, n)) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(buf); // HTTP/1.1 (or garbage, which the scanner refuses as ever)
            return;
        }
        if (n < LENGTH) {
            seen = buf; // a prefix of the preface so far
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        p.remove(StrictRequestScanner.class);
        p.remove(HttpRequestDecoder.class);
        p.remove(RequestAggregator.class);
        p.remove(ConnectionHandler.class);
        Http2Pipeline.install(p, dispatcher);
        p.remove(this);
        ctx.fireChannelRead(buf); // the codec reads the preface itself
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (seen != null) {
            seen.release();
            seen = null;
        }
    }
}
