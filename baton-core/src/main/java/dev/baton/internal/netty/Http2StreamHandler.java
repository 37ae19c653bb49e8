package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.context.CancellationReason;
import dev.baton.http.Problem;
import dev.baton.http.FileBody;
import dev.baton.http.Response;
import dev.baton.internal.coding.FileBodyStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * One HTTP/2 stream, one request: gathers its HEADERS and DATA (up to the body limit) into the
 * request the dispatcher takes, then answers as the connection handler does on HTTP/1.1, through
 * the same dispatcher, exchange and accounting, as HEADERS and DATA frames. A route that streams
 * its body gets its request at the HEADERS, and the DATA through an {@link Http2BodySource}. A
 * body is held to the server's minimum rate while the server waits for it (408). A stream the
 * client resets, or whose connection closes, cancels its request with {@code CLIENT_DISCONNECT}.
 * Confined to its connection's event loop, but for {@link #write} (any thread).
 */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter implements ResponseSink {
    private final Http2Connection connection;
    private final RequestDispatcher dispatcher;
    private final ServerParts server;
    private final ServerConfig config;
    private final RequestAccounting accounting;
    private final StreamedRoutes streamedRoutes;
    private ChannelHandlerContext ctx;
    private Http2RequestHead head;
    private BodyRate rate;
    /** The body of a route that streams it, or null while the body is aggregated. */
    private Http2BodySource streaming;
    private long arrivalNanos;
    private ByteBuf body;
    private long bodyBytes;
    /** The request is complete, answered early or refused: further frames of the client are dropped. */
    private boolean requestEnded;
    /** The client's side of the stream ended (END_STREAM): an early answer needs no reset after it. */
    private boolean clientDone;
    private Exchange current;
    private ResponseStream stream;

    Http2StreamHandler(Http2Connection connection, RequestDispatcher dispatcher) {
        this.connection = connection;
        this.dispatcher = dispatcher;
        this.server = dispatcher.server();
        this.config = server.config();
        this.accounting = connection.accounting();
        this.streamedRoutes = dispatcher.streamedRoutes();
    }

    Http2ResponseHead heads() {
        return connection.heads();
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        connection.opened(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.touch();
        try {
            if (msg instanceof Http2HeadersFrame f) {
                clientDone = f.isEndStream();
                onHeaders(f);
            } else if (msg instanceof Http2DataFrame f) {
                clientDone = f.isEndStream();
                onData(f);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(Http2HeadersFrame f) {
        if (streaming != null) {
            streamedTrailers(f);
            return;
        }
        if (requestEnded) {
            return;
        }
        long streamLimit = 0;
        try {
            if (head == null) {
                arrivalNanos = System.nanoTime();
                head = Http2RequestHead.of(f.headers(), config.maxHeaderCount());
                streamLimit = streamedRoutes.streamLimit(head.method, head.target);
                head.checkLength(streamLimit > 0 ? streamLimit : config.maxBodySize());
                rate = new BodyRate(config.minRequestBodyRate(), config.bodyRateGrace().toNanos());
            } else if (!f.isEndStream()) {
                throw new Http2RequestHead.Malformed(0, "HEADERS after the head that does not end the stream");
            } else {
                Http2RequestHead.checkTrailers(f.headers());
            }
        } catch (Http2RequestHead.Malformed m) {
            reject(m);
            return;
        }
        if (streamLimit > 0) {
            // dispatched at its head: the body follows as it arrives, and its 100 when the handler asks
            streaming = new Http2BodySource(ctx, connection, head.contentLength, streamLimit,
                    head.expectsContinue && !f.isEndStream(), rate);
            dispatch(new StreamedRequest(head.toRequest(Unpooled.EMPTY_BUFFER), streaming.body));
            onStreamedData(Unpooled.EMPTY_BUFFER, f.isEndStream());
        } else if (f.isEndStream()) {
            dispatch();
        } else if (head != null && bodyAwaited()) {
            awaitBody();
        }
    }

    /** An aggregated body is wanted from its HEADERS on: a 100 if asked (unless the answer is known already), and its pace watched. */
    private void awaitBody() {
        if (head.expectsContinue) {
            Dispatch.Refused refused = dispatcher.refuseBeforeBody(head.toRequest(Unpooled.EMPTY_BUFFER));
            if (refused != null) {
                requestEnded = true; // its final answer, then the reset: the body is not read
                refuse(refused);
                return;
            }
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("100"), false));
        }
        rate.start(System.nanoTime());
        connection.watchBodyRate();
    }

    private boolean bodyAwaited() {
        return !requestEnded && !clientDone;
    }

    /** Trailers after a streamed body: checked and dropped, as after an aggregated one. */
    private void streamedTrailers(Http2HeadersFrame f) {
        try {
            if (!f.isEndStream()) {
                throw new Http2RequestHead.Malformed(0, "HEADERS after the head that does not end the stream");
            }
            Http2RequestHead.checkTrailers(f.headers());
        } catch (Http2RequestHead.Malformed m) {
            streaming.closed();
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        onStreamedData(Unpooled.EMPTY_BUFFER, true);
    }

    /** A streamed body's DATA (or its end): a body that breaks its content-length resets the stream. */
    private void onStreamedData(ByteBuf content, boolean last) {
        if (!streaming.data(content, last) && ctx.channel().isActive()) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * For the connection's body-rate timer: true while this stream's body is still awaited. An
     * aggregated body trickling below the minimum rate is answered 408; a streamed one fails its
     * reader with 408.
     */
    boolean checkBodyRate(long nowNanos) {
        if (streaming != null) {
            return streaming.checkRate(nowNanos);
        }
        if (head == null || !bodyAwaited()) {
            return false;
        }
        if (rate.tooSlow(0, nowNanos)) {
            reject(slowBody());
            return false;
        }
        return true;
    }

    private Http2RequestHead.Malformed slowBody() {
        return new Http2RequestHead.Malformed(408, "the request body arrived slower than " + rate.minBytesPerSecond() + " bytes per second");
    }

    private void onData(Http2DataFrame f) {
        if (streaming != null) {
            onStreamedData(f.content(), f.isEndStream());
            return;
        }
        if (requestEnded) {
            return;
        }
        if (head == null) { // (the codec refuses DATA on an idle stream; this is a second line)
            reject(new Http2RequestHead.Malformed(0, "DATA before HEADERS"));
            return;
        }
        int n = f.content().readableBytes();
        if (n > 0) {
            bodyBytes += n;
            if (bodyBytes > config.maxBodySize()) {
                reject(new Http2RequestHead.Malformed(413, "the request body exceeds " + config.maxBodySize() + " bytes"));
                return;
            }
            if (head.contentLength >= 0 && bodyBytes > head.contentLength) {
                reject(new Http2RequestHead.Malformed(0, "more DATA than content-length"));
                return;
            }
            if (!f.isEndStream() && rate.tooSlow(n, System.nanoTime())) {
                reject(slowBody());
                return;
            }
            if (!connection.holdBody(n)) {
                // the connection holds as many bodies as it may: this stream was not processed, the client may retry it
                requestEnded = true;
                releaseBody();
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (body == null) {
                // grown as DATA comes: a declared length is no reason to reserve memory before the bytes arrive
                body = ctx.alloc().heapBuffer(Math.max(n, (int) Math.min(head.contentLength >= 0 ? head.contentLength : n, 64 * 1024)));
            }
            body.writeBytes(f.content());
        }
        if (f.isEndStream()) {
            if (head.contentLength >= 0 && bodyBytes != head.contentLength) {
                reject(new Http2RequestHead.Malformed(0, "less DATA than content-length"));
                return;
            }
            dispatch();
        }
    }

    /** The request is whole: routed and admitted like an HTTP/1.1 one. */
    private void dispatch() {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : body;
        body = null;
        connection.releaseBody(content.readableBytes()); // the dispatcher copies it out now
        dispatch(head.toRequest(content));
    }

    private void dispatch(FullHttpRequest req) {
        requestEnded = true;
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        Dispatch decision = dispatcher.dispatch(req, arrivalNanos, remote, connection.tls(), this);
        if (decision instanceof Exchange ex) {
            current = ex;
            ex.start();
            if (!ex.isCompleted()) {
                connection.watch(ex); // a request answered inline needs no timer
            }
        } else {
            refuse(StreamedRequest.settle(req, (Dispatch.Refused) decision));
        }
    }

    /** A malformed request: RST_STREAM(PROTOCOL_ERROR), or the problem its status says (400, 413, 431). */
    private void reject(Http2RequestHead.Malformed m) {
        requestEnded = true;
        releaseBody();
        if (m.isStreamError()) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String method = head == null ? null : head.method;
        refuse(new Dispatch.Refused(Problem.of(m.status, m.getMessage()).toResponse(), true, "HEAD".equals(method), false,
                server.accessLog() == null ? null : new Dispatch.Refused.Line(method, null, null, arrivalNanos)));
    }

    /** An answer no handler made (404, 405, 503, a malformed request...). */
    private void refuse(Dispatch.Refused refused) {
        accounting.refused(refused, (int) writeWhole(server.renderer().own(refused.response()), refused.head(), null, null));
    }

    @Override
    public void writeOnLoop(Exchange ex, ResponseRenderer.Rendered answer) {
        if (ex != current) {
            return;
        }
        if (!ctx.channel().isActive()) {
            ended(ex, AccessLog.CLIENT_GONE, 0, false);
            return;
        }
        Response response = answer.response();
        if (response.bodyKind() == Response.BodyKind.FILE && !ResponseWriter.endsWithHead(ex.head, response.status())) {
            // no sendfile on a stream: the file goes as DATA frames, read piece by piece off the event loop
            response = response.withStream(FileBodyStream.of((FileBody) response.body()));
        }
        boolean streamed = response.bodyKind() == Response.BodyKind.STREAM || response.bodyKind() == Response.BodyKind.EVENTS;
        if (streamed && !ResponseWriter.endsWithHead(ex.head, response.status())) {
            current = null;
            stream = new ResponseStream(ctx, new Http2StreamWire(this), ex, response, (s, closeDelimited) -> streamEnded(s));
            stream.start();
            return;
        }
        ex.request.settleBody(); // a streamed body not read to its end: the stream is reset after the answer
        // account before the bytes leave, so that a client never sees its response before the numbers do
        lastNumbers(ex, response.status() >= 500);
        ex.listener.sent(response.status(), writeWhole(answer, ex.head, ex.listener.serverTiming(), null));
        current = null;
        accounting.idle();
    }

    /**
     * Writes a whole response as HEADERS and, unless it has none or answers HEAD, one DATA frame
     * (the codec splits it to the peer's frame size and its window); runs {@code written} once it
     * is out. Returns the body's bytes. A response the client's side still sends a body to is
     * followed by RST_STREAM(NO_ERROR) (RFC 9113 8.1).
     */
    long writeWhole(ResponseRenderer.Rendered answer, boolean isHead, String serverTiming, Runnable written) {
        Response r = answer.response();
        byte[] content = switch (r.bodyKind()) {
            case EMPTY -> null;
            case BYTES -> (byte[]) r.body();
            case JSON -> answer.json();
            // a streamed body that ends with its head (HEAD, 204, 304): no length to declare
            case STREAM, EVENTS -> null;
            // a file that ends with its head (HEAD, 304): its length is declared, as GET would
            case FILE -> null;
            case UPGRADE -> throw new IllegalStateException("no protocol upgrade on an HTTP/2 stream (RFC 9113 8.6)");
        };
        int status = r.status();
        boolean noContent = ResponseEncoder.hasNoLengthFields(status) || status == 205;
        long length = noContent || content == null ? switch (r.bodyKind()) {
            case STREAM, EVENTS -> -1;
            case FILE -> ((FileBody) r.body()).length();
            default -> 0;
        } : content.length;
        boolean data = !isHead && !noContent && content != null && content.length > 0;
        var headers = new DefaultHttp2HeadersFrame(connection.heads().of(r, length, serverTiming), !data);
        // a failed write reaches exceptionCaught, which closes the stream: no promise when nothing waits for it
        boolean wait = written != null || !clientDone;
        if (data) {
            ctx.write(headers, ctx.voidPromise());
        }
        Object end = data ? new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(content), true) : headers;
        if (wait) {
            ctx.write(end).addListener(f -> {
                if (written != null) {
                    written.run();
                }
                if (f.isSuccess() && !clientDone && ctx.channel().isActive()) {
                    resetAfterAnswer();
                }
            });
        } else {
            ctx.write(end, ctx.voidPromise());
        }
        connection.flushSoon(); // one flush for all the streams answered in this turn of the loop
        return data ? content.length : 0;
    }

    /**
     * RST_STREAM(NO_ERROR) after a complete answer to a client still sending (RFC 9113 8.1), then
     * the stream channel's close: one whose reading was stopped holds DATA it would otherwise wait
     * to be read before it closes.
     */
    private void resetAfterAnswer() {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR)).addListener(ChannelFutureListener.CLOSE);
    }

    /** A streamed answer ended; a streamed request body it did not read to its end is dropped, the stream reset. */
    private void streamEnded(ResponseStream ended) {
        stream = null;
        accounting.streamEnded();
        ended.request().settleBody();
        if (!clientDone && ctx.channel().isActive()) {
            resetAfterAnswer();
        }
    }

    /** The request's numbers as it ends. */
    private void lastNumbers(Exchange ex, boolean error) {
        accounting.answered(ex, error);
    }

    private void ended(Exchange ex, int status, long bytes, boolean error) {
        lastNumbers(ex, error);
        ex.listener.sent(status, bytes);
        current = null;
        accounting.idle();
    }

    /** The stream closed: answered, reset by the client, or its connection gone. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseBody();
        requestEnded = true;
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.CLIENT_DISCONNECT)) {
            server.metrics().clientDisconnects.increment();
            ended(ex, AccessLog.CLIENT_GONE, 0, false);
        }
        if (streaming != null) {
            streaming.closed(); // after the token: a handler failing with its body is not an answer to a client gone
        }
        if (stream != null) {
            server.metrics().clientDisconnects.increment();
            stream.cut(CancellationReason.CLIENT_DISCONNECT);
        }
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
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.SHUTDOWN)) {
            server.shutdown().cancelled.increment();
            Response unavailable = server.renderer().unavailable("the server shut down before the request completed", ex.request.path());
            ex.request.settleBody();
            lastNumbers(ex, true);
            ex.listener.sent(503, writeWhole(server.renderer().own(unavailable), ex.head, null, null));
            current = null;
            accounting.idle();
        } else if (stream != null) {
            server.shutdown().cancelled.increment();
            stream.cut(CancellationReason.SHUTDOWN);
        }
    }

    /** The request awaiting its handler's answer, or null. */
    Exchange inFlight() {
        return current;
    }

    /** Whether a request of this stream is being served (not merely arriving). */
    boolean busy() {
        return current != null || stream != null;
    }

    private void releaseBody() {
        if (body != null) {
            connection.releaseBody(body.readableBytes());
            body.release();
            body = null;
        }
    }

    /**
     * A stream error the codec found (a body longer or shorter than its content-length, say): the
     * stream is reset with its code before the multiplexer closes it (which alone would say CANCEL).
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.streamFailed(cause);
        if (cause instanceof Http2Exception e && ctx.channel().isActive()) {
            requestEnded = true;
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error())).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
