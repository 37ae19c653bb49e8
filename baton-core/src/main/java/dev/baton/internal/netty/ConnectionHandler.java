package dev.baton.internal.netty;

import dev.baton.context.CancellationReason;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.internal.websocket.WebSocketUpgrade;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection, confined to its event loop. Hands each decoded request to the
 * {@link RequestDispatcher} and acts on its {@link Dispatch}: starts the exchange, or writes the
 * refusal. Answers pipelined requests one at a time and in order, is the {@link ResponseSink}
 * its exchanges answer through (from any thread), closes an idle connection, and tells the
 * request in flight when the client leaves or the server stops.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter implements ResponseSink {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    /** The HTTP/1.1 handlers before this one, which a WebSocket session replaces. */
    private static final List<Class<? extends ChannelHandler>> HTTP_CODECS =
            List.of(RequestAggregator.class, HttpRequestDecoder.class, StrictRequestScanner.class);

    private final RequestDispatcher dispatcher;
    private final ServerParts server;
    private final ServerMetrics metrics;
    private final ResponseWriter writer;
    private final RequestAccounting accounting;
    private ChannelHandlerContext ctx;
    private PipelinedRequests pending;
    private Exchange current;
    private final RequestTimeout timeout = new RequestTimeout(() -> current);
    private final IdleTimer idleTimer;
    private StrictRequestScanner scanner;
    /** When the last response was handed to the connection (System.nanoTime). */
    private long lastAnswerNanos;
    private ResponseStream stream;
    private boolean closing;
    private final OutputProgress output = new OutputProgress();
    /** What the connection's TLS handshake negotiated; null over plain TCP. */
    private dev.baton.tls.TlsSession tls;
    private boolean opened;

    ConnectionHandler(RequestDispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.server = dispatcher.server();
        this.metrics = server.metrics();
        this.writer = new ResponseWriter(server);
        this.accounting = new RequestAccounting(server);
        this.idleTimer = new IdleTimer(server.config().idleTimeout().toNanos(), this::lastActivityNanos,
                this::isQuiet, this::closeIdle);
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.scanner = ctx.pipeline().get(StrictRequestScanner.class);
        this.pending = new PipelinedRequests(ctx.channel(), scanner);
        writer.bind(ctx);
        timeout.bind(ctx.executor());
        io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        tls = ssl == null ? null : ServerTls.session(ssl);
        if (ctx.channel().isActive()) {
            opened(ctx); // added after a TLS handshake: the channel is active already and says so no more
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        opened(ctx);
        ctx.fireChannelActive();
    }

    private void opened(ChannelHandlerContext ctx) {
        if (opened) {
            return;
        }
        opened = true;
        metrics.openConnections.incrementAndGet();
        lastAnswerNanos = System.nanoTime();
        idleTimer.start(ctx.executor());
    }

    private long lastActivityNanos() {
        long read = scanner == null ? lastAnswerNanos : scanner.lastReadNanos();
        long last = read - lastAnswerNanos > 0 ? read : lastAnswerNanos;
        long wrote = output.lastMovedNanos(ctx.channel().unsafe().outboundBuffer());
        return wrote - last > 0 ? wrote : last;
    }

    /** Nothing in flight, queued or half-received (a slow head is the head timeout's business). */
    private boolean isQuiet() {
        // a handler waiting for a streamed body the client stopped sending is the client's stall too
        boolean waiting = !busy() || current != null && current.request.awaitsBody();
        return waiting && pending.isEmpty() && (scanner == null || !scanner.isMidHead());
    }

    private void closeIdle() {
        if (scanner != null && scanner.isMidBody()) {
            // a client that stopped sending its body is told why, not just hung up on
            scanner.rejectStalledBody(ctx.pipeline().context(scanner), server.config().idleTimeout().toMillis());
            return;
        }
        closing = true;
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        writer.readStarted();
        if (closing || !(msg instanceof FullHttpRequest) && !(msg instanceof RejectedRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof FullHttpRequest req && req.decoderResult().isFailure()) {
            // the scanner lets nothing malformed through and enforces every limit with its own
            // status; this is Netty's own safety net, so whatever it still refuses is a 400
            log.debug("Netty's decoder refused a request the scanner passed", req.decoderResult().cause());
            req.release();
            msg = new RejectedRequest(400, "malformed request");
        }
        // a 100 Continue still held for this request is moot once the whole request is here, and
        // sent later it would follow this request's final response (RFC 9110 15.2)
        ReferenceCountUtil.release(pending.takeInterim());
        pending.add(msg);
        if (!busy()) {
            startNext();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        writer.readEnded();
        ctx.fireChannelReadComplete();
    }

    private boolean busy() {
        return current != null || stream != null;
    }

    private void startNext() {
        while (!busy() && !closing) {
            Object next = pending.poll();
            if (next == null) {
                break;
            }
            if (next instanceof Dispatch.Refused early) { // refused on its head, before its body
                refuse(early);
                return;
            }
            if (next instanceof RejectedRequest rejected) {
                // its method and target broke the grammar: the access log does not repeat them
                refuse(new Dispatch.Refused(Problem.of(rejected.status(), rejected.detail()).toResponse(), false, rejected.head(), true,
                        new Dispatch.Refused.Line(null, null, null, System.nanoTime())));
                return;
            }
            FullHttpRequest req = (FullHttpRequest) next;
            writer.http10(req.protocolVersion().equals(HttpVersion.HTTP_1_0));
            // (not an InetSocketAddress on a test's embedded channel)
            InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
            // instanceof, not a pattern switch: this runs per request, and a type switch's bootstrap costs more
            Dispatch decision = dispatcher.dispatch(req, System.nanoTime(), remote, tls, this);
            if (decision instanceof Exchange admitted) {
                begin(admitted);
            } else {
                refuse(StreamedRequest.settle(next, (Dispatch.Refused) decision));
            }
        }
        ByteBuf interim;
        if (!busy() && pending.isEmpty() && (interim = pending.takeInterim()) != null) {
            if (closing) {
                interim.release();
            } else {
                ctx.writeAndFlush(interim).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            }
        }
    }

    private void begin(Exchange ex) {
        current = ex;
        ex.start();
        if (!ex.isCompleted()) {
            timeout.watch(ex); // a request answered inline needs no timer
        }
    }

    /**
     * A request head asked for {@code 100 Continue}. If the dispatcher already knows the final
     * answer (404, 405, 503...), that answer is queued after the requests before it, the connection
     * closes after it, and false is returned; else the 100 goes out once every earlier request has
     * been answered (bytes written sooner would land inside an earlier response).
     */
    boolean continueOrRefuse(HttpRequest head, ByteBuf interim) {
        Dispatch.Refused refused = head == null ? null : dispatcher.refuseBeforeBody(head);
        if (refused != null) {
            interim.release();
            pending.add(refused);
        } else {
            pending.holdInterim(interim);
        }
        if (!busy() && (refused != null || pending.isEmpty())) {
            startNext();
        }
        return refused == null;
    }

    @Override
    public void writeOnLoop(Exchange ex, ResponseRenderer.Rendered answer) {
        if (ex != current || !ctx.channel().isActive()) {
            if (ex == current) {
                account(ex, false);
                ex.listener.sent(AccessLog.CLIENT_GONE, 0);
                next();
            }
            return;
        }
        Response response = answer.response();
        if (response.bodyKind() == Response.BodyKind.UPGRADE) {
            upgrade(ex, answer);
            return;
        }
        boolean streamed = (response.bodyKind() == Response.BodyKind.STREAM || response.bodyKind() == Response.BodyKind.EVENTS)
                && !ResponseWriter.endsWithHead(ex.head, response.status());
        // a request body still streaming in is settled when the answer ends: a streamed answer may be made of it
        boolean bodyUnread = !streamed && !ex.request.settleBody(); // too long to drain: close after the answer
        // while draining, a request pipelined behind this one is answered 503 + close rather than dropped
        boolean close = bodyUnread || !ex.keepAlive || closing || (server.shutdown().isDraining() && pending.isEmpty());
        if (streamed) {
            current = null;
            stream = new ResponseStream(ctx, new Http1StreamWire(ctx, writer, close), ex, response, this::streamEnded);
            stream.start();
            return;
        }
        // account before the bytes leave, so that a client never sees its response before the numbers do
        account(ex, response.status() >= 500);
        ex.listener.sent(response.status(), writer.write(ex, answer, close, bodyUnread));
        if (close) {
            closing = true;
        }
        next();
    }

    /**
     * A WebSocket handshake was accepted: the 101 is the last thing this handler writes, and the
     * connection's pipeline becomes a WebSocket session's. A client sends nothing between its
     * handshake and the 101 (RFC 6455 4.1): one that has (a pipelined request) is refused.
     */
    private void upgrade(Exchange ex, ResponseRenderer.Rendered answer) {
        account(ex, false);
        if (!pending.isEmpty() || closing || (scanner != null && scanner.isMidHead())) {
            Response refusal = Problem.of(400, "a WebSocket handshake must be the last request on its connection")
                    .withInstance(ex.request.path()).toResponse();
            ex.listener.sent(400, writer.write(ex, server.renderer().own(refusal), true));
            closing = true;
            next();
            return;
        }
        timeout.stop();
        idleTimer.stop();
        current = null;
        closing = true; // nothing more is read as HTTP here
        ex.listener.sent(101, WebSocketUpgrade.switchProtocols(ctx, ex, answer.response(), server.metrics(), HTTP_CODECS));
    }

    /** A streamed body ended (event loop): the connection goes on, or closes if the body's end was its close. */
    private void streamEnded(ResponseStream ended, boolean closeDelimited) {
        stream = null;
        lastAnswerNanos = accounting.streamEnded();
        if (!closeDelimited && ctx.channel().isActive() && !ended.request().settleBody()) {
            closing = true; // the request's body is still coming and too long to drain
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(LingeringClose.INSTANCE);
            return;
        }
        if (closeDelimited || closing || !ctx.channel().isActive()) { // closing: nothing more is served here
            closing = true;
            ctx.close();
        } else {
            startNext();
        }
    }

    private void account(Exchange ex, boolean error) {
        lastAnswerNanos = accounting.answered(ex, error);
    }

    private void next() {
        current = null;
        accounting.idle();
        startNext();
    }

    /** An answer that needs no handler (404, 405, OPTIONS, 503, a rejected request); on the event loop. */
    private void refuse(Dispatch.Refused refused) {
        boolean close = refused.forceClose() || !refused.keepAlive() || closing || server.shutdown().isDraining();
        accounting.refused(refused, writer.writeOwn(refused.response(), refused.head(), close, refused.forceClose()));
        if (close) {
            closing = true;
            pending.releaseAll();
        }
    }

    /** Taken out of a live connection (it turned out to speak HTTP/2): it no longer counts or times it. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && !closing) {
            metrics.openConnections.decrementAndGet();
            timeout.stop();
            idleTimer.stop();
            closing = true;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (opened) {
            metrics.openConnections.decrementAndGet();
        }
        timeout.stop();
        idleTimer.stop();
        closing = true;
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.CLIENT_DISCONNECT)) {
            metrics.clientDisconnects.increment();
            account(ex, false);
            ex.listener.sent(AccessLog.CLIENT_GONE, 0);
            next();
        }
        if (stream != null) {
            metrics.clientDisconnects.increment();
            stream.cut(CancellationReason.CLIENT_DISCONNECT);
        }
        pending.releaseAll();
        ctx.fireChannelInactive();
    }

    /** Graceful shutdown ran out of time: cancel what is in flight and answer 503. */
    void cancelForShutdown() {
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.SHUTDOWN)) {
            server.shutdown().cancelled.increment();
            closing = true;
            int bytes = writer.writeOwn(server.renderer().unavailable("the server shut down before the request completed", ex.request.path()),
                    ex.head, true, false);
            account(ex, true);
            ex.listener.sent(503, bytes);
            next();
        } else if (stream != null) {
            server.shutdown().cancelled.increment();
            closing = true;
            if (stream.cut(CancellationReason.SHUTDOWN)) {
                return; // an event stream ends cleanly with its last chunk; the connection closes after it
            }
        }
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a client gone mid-body (or refused mid-body by the scanner) is routine, not a server fault
        if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("connection {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
