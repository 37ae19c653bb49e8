package dev.baton.internal.netty;

import dev.baton.context.CancellationReason;
import dev.baton.http.Response;
import dev.baton.internal.websocket.WebSocketUpgrade;
import dev.baton.tls.TlsSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The requests of one HTTP/1.1 connection, one at a time and in arrival order: hands each to the
 * {@link RequestDispatcher} and acts on its {@link Dispatch} (starts the exchange, or writes the
 * refusal), holds a 100 Continue until the answers before it are out, and is the
 * {@link ResponseSink} its exchanges answer through (from any thread): a plain answer, a stream,
 * or the switch to a WebSocket session. Its {@link ConnectionHandler} feeds it; it never calls
 * back. Event loop only.
 */
final class RequestSequence implements ResponseSink {
    /** The HTTP/1.1 handlers before the connection's, which a WebSocket session replaces. */
    private static final List<Class<? extends ChannelHandler>> HTTP_CODECS =
            List.of(RequestAggregator.class, HttpRequestDecoder.class, StrictRequestScanner.class);

    private final ChannelHandlerContext ctx;
    private final RequestDispatcher dispatcher;
    private final ServerParts server;
    private final ResponseWriter writer;
    private final ConnectionAnswers answers;
    /** May be null (a test's pipeline). */
    private final StrictRequestScanner scanner;
    private final PipelinedRequests pending;
    /** Stopped when the connection becomes a WebSocket session's. */
    private final IdleTimer idleTimer;
    /** What the connection's TLS handshake negotiated; null over plain TCP. */
    private final TlsSession tls;
    private Exchange current;
    private final RequestTimeout timeout = new RequestTimeout(() -> current);
    private ResponseStream stream;
    private boolean closing;

    RequestSequence(ChannelHandlerContext ctx, RequestDispatcher dispatcher, ResponseWriter writer, ConnectionAnswers answers,
                    StrictRequestScanner scanner, IdleTimer idleTimer, TlsSession tls) {
        this.ctx = ctx;
        this.dispatcher = dispatcher;
        this.server = dispatcher.server();
        this.writer = writer;
        this.answers = answers;
        this.scanner = scanner;
        this.pending = new PipelinedRequests(ctx.channel(), scanner);
        this.idleTimer = idleTimer;
        this.tls = tls;
        timeout.bind(ctx.executor());
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /** Nothing more is served on the connection. */
    boolean isClosing() {
        return closing;
    }

    /** Nothing in flight or queued; a handler waiting for a streamed body the client stopped sending counts as waiting. */
    boolean isQuiet() {
        boolean waiting = !busy() || current != null && current.request.awaitsBody();
        return waiting && pending.isEmpty();
    }

    /** A request that arrived (or a {@link RejectedRequest} in its place). */
    void received(Object request) {
        // a 100 Continue still held for this request is moot once the whole request is here, and
        // sent later it would follow this request's final response (RFC 9110 15.2)
        ReferenceCountUtil.release(pending.takeInterim());
        pending.add(request);
        if (!busy()) {
            startNext();
        }
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
                refuse(rejected.toRefused());
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

    /** A head asked for 100 Continue: false if its final answer is already known and queued (see {@link ConnectionHandler#continueOrRefuse}). */
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
                answers.clientGone(ex);
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
            stream = new ResponseStream(new ChannelOutlet(ctx), new Http1StreamWire(ctx, writer, close), ex, response, this::streamEnded);
            stream.start();
            return;
        }
        answers.answer(ex, answer, close, bodyUnread);
        if (close) {
            closing = true;
        }
        next();
    }

    /**
     * A WebSocket handshake was accepted: the 101 is the last thing this connection writes as
     * HTTP, and its pipeline becomes a WebSocket session's. A client sends nothing between its
     * handshake and the 101 (RFC 6455 4.1): one that has (a pipelined request) is refused.
     */
    private void upgrade(Exchange ex, ResponseRenderer.Rendered answer) {
        answers.counted(ex, false);
        if (!pending.isEmpty() || closing || (scanner != null && scanner.isMidHead())) {
            answers.upgradeRefused(ex);
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
        answers.streamEnded();
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

    private void next() {
        current = null;
        answers.idle();
        startNext();
    }

    /** An answer that needs no handler (404, 405, OPTIONS, 503, a rejected request); on the event loop. */
    private void refuse(Dispatch.Refused refused) {
        boolean close = refused.forceClose() || !refused.keepAlive() || closing || server.shutdown().isDraining();
        answers.refused(refused, close);
        if (close) {
            closing = true;
            pending.releaseAll();
        }
    }

    /** The connection is closing (idle): nothing more is served. */
    void stopServing() {
        closing = true;
    }

    /** Taken out of a live connection (it turned out to speak HTTP/2): it no longer times a request. */
    void detach() {
        timeout.stop();
        closing = true;
    }

    /** The client left: the request in flight is abandoned, a stream cut, what waits dropped. */
    void disconnected() {
        detach();
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.CLIENT_DISCONNECT)) {
            server.metrics().clientDisconnects.increment();
            answers.clientGone(ex);
            next();
        }
        if (stream != null) {
            server.metrics().clientDisconnects.increment();
            stream.cut(CancellationReason.CLIENT_DISCONNECT);
        }
        pending.releaseAll();
    }

    /** Graceful shutdown ran out of time: what is in flight is cancelled and answered 503, and the connection closes. */
    void cancelForShutdown() {
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.SHUTDOWN)) {
            server.shutdown().cancelled.increment();
            closing = true;
            answers.shutDown(ex);
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
}
