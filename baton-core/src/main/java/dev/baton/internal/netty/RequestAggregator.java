package dev.baton.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Joins a request head and its body chunks into one {@link FullHttpRequest}. Unlike Netty's
 * general aggregator it allocates nothing for the common bodiless request, and it relies on
 * the {@link StrictRequestScanner} in front for the size limit and for refusing unknown
 * expectations; it answers {@code Expect: 100-continue} itself.
 */
final class RequestAggregator extends ChannelInboundHandlerAdapter {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private final long maxBodySize;
    private final StreamedRoutes streamed;
    /** The body of the request being read, when its route streams it; else null. */
    private ChannelBodySource streaming;
    private HttpRequest head;
    private ByteBuf body;
    private boolean skipping;
    /** A 100 Continue is owed, sent when the read ends unless the body has begun to arrive in it. */
    private boolean continueOwed;

    RequestAggregator(long maxBodySize) {
        this(maxBodySize, StreamedRoutes.NONE);
    }

    RequestAggregator(long maxBodySize, StreamedRoutes streamed) {
        this.maxBodySize = maxBodySize;
        this.streamed = streamed;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (streaming != null && (msg instanceof HttpContent || msg instanceof RejectedRequest)) {
            stream(msg);
        } else if (msg instanceof HttpRequest req) {
            start(ctx, req);
            if (msg instanceof HttpContent content) { // a decoder that emits full messages at once
                if (streaming != null) {
                    stream(content);
                } else {
                    content(ctx, content);
                }
            }
        } else if (msg instanceof HttpContent content) {
            content(ctx, content);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest req) {
        releaseBody();
        skipping = false;
        continueOwed = false;
        if (req.decoderResult().isFailure()) {
            // pass the failure on at once; drop whatever content the decoder still emits for it
            skipping = true;
            FullHttpRequest failed = full(req, Unpooled.EMPTY_BUFFER, null);
            failed.setDecoderResult(req.decoderResult());
            head = null;
            ctx.fireChannelRead(failed);
            return;
        }
        boolean continueWanted = false;
        if (expectsContinue(req)) {
            req.headers().remove(HttpHeaderNames.EXPECT);
            // RFC 9110 10.1.1: no 100 when the framing says there is no content, nor once it is arriving
            continueWanted = HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
        }
        long streamLimit = streamed.streamLimit(req.method().name(), req.uri());
        if (streamLimit > 0) {
            // the head goes on now; the body follows it as it arrives, and its 100 when the handler asks
            streaming = new ChannelBodySource(ctx, req, streamLimit, continueWanted);
            ctx.fireChannelRead(new StreamedRequest(req, streaming.body));
            return;
        }
        head = req;
        continueOwed = continueWanted;
    }

    /** A streamed body's next piece, or the scanner's refusal of its rest. */
    private void stream(Object msg) {
        if (msg instanceof RejectedRequest rejected) {
            // the handler has the request: it answers with the status its body stream fails with
            streaming.rejected(rejected);
            streaming = null;
            skipping = true;
        } else if (streaming.content((HttpContent) msg)) {
            streaming = null;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (continueOwed) {
            continueOwed = false;
            ByteBuf interim = Unpooled.wrappedBuffer(CONTINUE);
            ConnectionHandler connection = ctx.pipeline().get(ConnectionHandler.class);
            if (connection == null) {
                ctx.writeAndFlush(interim).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            } else if (!connection.continueOrRefuse(head, interim)) {
                // refused on its head: its final answer is queued and the connection closes after
                // it; a body the client sends anyway is not read into a request
                head = null;
                skipping = true;
                releaseBody();
            }
        }
        ctx.fireChannelReadComplete();
    }

    /** An HTTP/1.1 (or later 1.x) request whose Expect fields hold 100-continue; 1.0 clients get no 1xx (RFC 9110 10.1.1). */
    private static boolean expectsContinue(HttpRequest req) {
        if (req.protocolVersion().majorVersion() != 1 || req.protocolVersion().minorVersion() == 0) {
            return false;
        }
        for (String v : req.headers().getAll(HttpHeaderNames.EXPECT)) {
            if (RequestFraming.expectsContinue(v)) {
                return true;
            }
        }
        return false;
    }

    private void content(ChannelHandlerContext ctx, HttpContent content) {
        if (skipping || head == null) {
            ReferenceCountUtil.release(content);
            return;
        }
        continueOwed = false; // the client is sending the body already
        DecoderResult result = content.decoderResult();
        ByteBuf data = content.content();
        if (data.isReadable()) {
            append(ctx, data.retain());
        }
        boolean last = content instanceof LastHttpContent;
        HttpHeaders trailers = last ? ((LastHttpContent) content).trailingHeaders() : null;
        content.release();
        if (result.isFailure()) {
            FullHttpRequest failed = full(head, Unpooled.EMPTY_BUFFER, null);
            failed.setDecoderResult(result);
            releaseBody();
            head = null;
            skipping = true;
            ctx.fireChannelRead(failed);
            return;
        }
        if (last) {
            HttpRequest req = head;
            ByteBuf all = body == null ? Unpooled.EMPTY_BUFFER : body;
            head = null;
            body = null;
            if (HttpUtil.isTransferEncodingChunked(req)) {
                HttpUtil.setTransferEncodingChunked(req, false);
                req.headers().set(HttpHeaderNames.CONTENT_LENGTH, all.readableBytes());
            }
            ctx.fireChannelRead(full(req, all, trailers));
        }
    }

    private void append(ChannelHandlerContext ctx, ByteBuf data) {
        if (body == null) {
            body = data;
        } else {
            CompositeByteBuf composite;
            if (body instanceof CompositeByteBuf c) {
                composite = c;
            } else {
                composite = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
                composite.addComponent(true, body);
                body = composite;
            }
            composite.addComponent(true, data);
        }
        if (body.readableBytes() > maxBodySize) {
            // the scanner refuses such bodies first; this is a second line of defence
            throw new IllegalStateException("request body over " + maxBodySize + " bytes");
        }
    }

    private static FullHttpRequest full(HttpRequest req, ByteBuf content, HttpHeaders trailers) {
        return new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(), content, req.headers(),
                trailers == null ? io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE : trailers);
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        continueOwed = false;
        releaseBody();
        head = null;
        ChannelBodySource cut = streaming;
        streaming = null;
        // the request in flight hears of the disconnect (its token fires) before its body fails
        ctx.fireChannelInactive();
        if (cut != null) {
            cut.closed();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBody();
        if (streaming != null) {
            streaming.closed();
            streaming = null;
        }
    }
}
