package dev.baton.internal.netty;

import dev.baton.context.CancellationReason;
import dev.baton.context.RequestContext.Outcome;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import dev.baton.internal.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection, confined to its event loop. Answers pipelined requests one at a time and
 * in order, writes responses completed on any thread, and tells the request in flight when the
 * client leaves.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private final Dispatcher dispatcher;
    private final ServerMetrics metrics;
    private final byte[] serverLine;
    private ChannelHandlerContext ctx;
    private PipelinedRequests pending;
    private Exchange current;
    private final RequestTimer timer = new RequestTimer(() -> current);
    private final IdleTimer idleTimer;
    private StrictRequestScanner scanner;
    /** When the last response was handed to the connection (System.nanoTime). */
    private long lastAnswerNanos;
    private StreamSink stream;
    /** The stream is a text/event-stream, which has no end of its own: shutdown may end it cleanly. */
    private boolean eventStream;
    /** The stream's route latency is recorded (event loop only): at its head, its error, or its end. */
    private boolean streamRecorded;
    /** Why the stream in progress was cut short, if it was: what its token fires with. */
    private CancellationReason streamCut;
    private boolean inRead;
    private boolean needsFlush;
    private boolean closing;
    private final OutputProgress output = new OutputProgress();
    private boolean http10Current;

    ConnectionHandler(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.metrics = dispatcher.metrics();
        this.serverLine = ResponseEncoder.serverLine(dispatcher.config().serverHeader());
        this.idleTimer = new IdleTimer(dispatcher.config().idleTimeout().toNanos(), this::lastActivityNanos,
                this::isQuiet, this::closeIdle);
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.scanner = ctx.pipeline().get(StrictRequestScanner.class);
        this.pending = new PipelinedRequests(ctx.channel(), scanner);
        timer.bind(ctx.executor());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.openConnections.incrementAndGet();
        lastAnswerNanos = System.nanoTime();
        idleTimer.start(ctx.executor());
        ctx.fireChannelActive();
    }

    private long lastActivityNanos() {
        long read = scanner == null ? lastAnswerNanos : scanner.lastReadNanos();
        long last = read - lastAnswerNanos > 0 ? read : lastAnswerNanos;
        long wrote = output.lastMovedNanos(ctx.channel().unsafe().outboundBuffer());
        return wrote - last > 0 ? wrote : last;
    }

    /** Nothing in flight, queued or half-received (a slow head is the head timeout's business). */
    private boolean isQuiet() {
        return !busy() && pending.isEmpty() && (scanner == null || !scanner.isMidHead());
    }

    private void closeIdle() {
        if (scanner != null && scanner.isMidBody()) {
            // a client that stopped sending its body is told why, not just hung up on
            scanner.rejectStalledBody(ctx.pipeline().context(scanner), dispatcher.config().idleTimeout().toMillis());
            return;
        }
        closing = true;
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inRead = true;
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof FullHttpRequest) && !(msg instanceof RejectedRequest)) {
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
        inRead = false;
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
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
            if (next instanceof RejectedRequest rejected) {
                sendDirect(Problem.of(rejected.status(), rejected.detail()).toResponse(), false, rejected.head(), true);
                return;
            }
            FullHttpRequest req = (FullHttpRequest) next;
            http10Current = req.protocolVersion().equals(HttpVersion.HTTP_1_0);
            dispatcher.dispatch(this, req, System.nanoTime());
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

    /**
     * Sends an interim response (100 Continue) for the request being received, once every earlier
     * request has been answered: bytes written sooner would land inside an earlier response.
     */
    void sendInterim(ByteBuf bytes) {
        pending.holdInterim(bytes);
        if (!busy() && pending.isEmpty()) {
            startNext();
        }
    }

    /** Watches {@code ex}'s timeout with the connection's single timer. On the event loop. */
    void watchTimeout(Exchange ex, long timeoutAtNanos) {
        timer.watch(ex, timeoutAtNanos);
    }

    /** The dispatcher admitted a request: it is the one in flight on this connection. */
    void begin(Exchange ex) {
        current = ex;
    }

    /**
     * Writes the response of {@code ex}, from any thread. JSON is serialized here, on the
     * completing thread (to bytes: the encoder copies them after the head into the one buffer);
     * the write itself is queued to the event loop unless already on it.
     */
    void send(Exchange ex, Response response) {
        RequestTrace trace = ex.trace();
        boolean timed = trace != null || !ex.runningInline; // inline answers skip two clock reads
        long start = timed ? System.nanoTime() : 0;
        // whoever built it (handler, middleware, mapper), a 405 names its Allow and a 503 its Retry-After
        Response out = dispatcher.withRequiredHeaders(response, ex.request);
        byte[] json = null;
        if (response.bodyKind() == Response.BodyKind.JSON) {
            try {
                json = dispatcher.json().writeValueAsBytes(response.body());
            } catch (Exception e) {
                log.error("{}: cannot serialize the {} body of a {} response", ex.route(),
                        response.body() == null ? "null" : response.body().getClass().getName(), response.status(), e);
                out = Problem.of(500, "the response body could not be serialized").withInstance(ex.request.path()).toResponse();
                json = problemJson(out);
            }
        }
        if (timed) {
            long rendered = System.nanoTime() - start;
            ex.addHold(rendered);
            if (trace != null) {
                trace.add("complete", Thread.currentThread().getName(), rendered);
                ex.sentNanos = System.nanoTime();
            }
        }
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            write(ex, out, json);
        } else {
            Response r = out;
            byte[] body = json;
            loop.execute(() -> write(ex, r, body));
        }
    }

    /** A problem's JSON; the server's own problems always serialize. */
    private byte[] problemJson(Response problem) {
        try {
            return dispatcher.json().writeValueAsBytes(problem.body());
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialize a problem", e);
        }
    }

    private void write(Exchange ex, Response response, byte[] json) {
        if (ex != current || !ctx.channel().isActive()) {
            if (ex == current) {
                finish(ex, false);
            }
            return;
        }
        // while draining, a request pipelined behind this one is answered 503 + close rather than dropped
        boolean close = !ex.keepAlive || closing || (dispatcher.shutdown().isDraining() && pending.isEmpty());
        boolean streamed = response.bodyKind() == Response.BodyKind.STREAM || response.bodyKind() == Response.BodyKind.EVENTS;
        if (streamed && !endsWithHead(ex.head, response.status())) {
            startStream(ex, response, close);
            return;
        }
        // a streamed response to HEAD, or with a status that allows no content, is its head alone:
        // the producer never runs and the connection goes on to the next request
        ByteBuf msg = streamed
                ? ResponseEncoder.streamHead(ctx.alloc(), response, new ResponseEncoder.Framing(close, http10Current, serverLine, serverTiming(ex)))
                : encode(response, json, ex.head, close, serverTiming(ex));
        // account before the bytes leave, so that a client never sees its response before the numbers do
        account(ex, response.status() >= 500);
        if (close) {
            ctx.write(msg).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.write(msg, ctx.voidPromise()); // a failure reaches exceptionCaught, which closes: no promise per response
        }
        flushSoon();
        if (close) {
            closing = true;
        }
        next();
    }

    /** A full response as one buffer; a response that cannot be encoded becomes a 500. */
    private ByteBuf encode(Response response, byte[] json, boolean head, boolean close, String serverTiming) {
        var framing = new ResponseEncoder.Framing(close, http10Current, serverLine, serverTiming);
        try {
            return ResponseEncoder.full(ctx.alloc(), response, json, head, framing);
        } catch (RuntimeException e) {
            log.error("cannot encode response {}", response, e);
            Response problem = Problem.of(500, "the response could not be encoded").toResponse();
            return ResponseEncoder.full(ctx.alloc(), problem, problemJson(problem), head, framing);
        }
    }

    private void startStream(Exchange ex, Response response, boolean close) {
        boolean closeDelimited = http10Current || close;
        var framing = new ResponseEncoder.Framing(closeDelimited, http10Current, serverLine, serverTiming(ex));
        ByteBuf head = ResponseEncoder.streamHead(ctx.alloc(), response, framing);
        // a stream's latency is its time to first byte (or to the error that replaced it); it
        // stays in flight until the body ends
        boolean serverError = response.status() >= 500;
        stream = new StreamSink(ctx, !http10Current, head, (error, ended) -> answerFailedStream(ex, error, closeDelimited, ended),
                () -> recordStream(ex, serverError), () -> streamEnded(ex, closeDelimited));
        eventStream = response.bodyKind() == Response.BodyKind.EVENTS;
        streamRecorded = false;
        current = null;
        StreamSink sink = stream;
        Runnable producer = () -> sink.start(response, ex);
        if (!dispatcher.execute(ex.route, producer, this)) {
            sink.fail(new dev.baton.http.HttpException(503, "the request queue is full"));
        }
    }

    /** A stream's producer failed before anything was sent: the error's own response instead (event loop). */
    private void answerFailedStream(Exchange ex, Throwable error, boolean close, Runnable ended) {
        Response r = dispatcher.withRequiredHeaders(dispatcher.errors().toResponse(error, ex), ex.request);
        byte[] json = r.bodyKind() == Response.BodyKind.JSON ? problemJson(r) : null;
        recordStream(ex, r.status() >= 500);
        // (while the stream was in progress no later request started: http10Current is still its own)
        ctx.writeAndFlush(encode(r, json, ex.head, close, null)).addListener(f -> ended.run());
    }

    private static boolean endsWithHead(boolean head, int status) {
        return head || status == 205 || ResponseEncoder.hasNoLengthFields(status);
    }

    /** A stream's route latency, once (event loop). */
    private void recordStream(Exchange ex, boolean error) {
        if (!streamRecorded) {
            streamRecorded = true;
            ex.routeMetrics.record(System.nanoTime() - ex.arrivalNanos, ex.holdNanos(), error);
        }
    }

    /** Called on the event loop when a streamed body ended. */
    private void streamEnded(Exchange ex, boolean closeDelimited) {
        recordStream(ex, false); // the client left before the head went out: one request all the same
        stream = null;
        lastAnswerNanos = System.nanoTime();
        metrics.completed.increment();
        metrics.inFlight.decrementAndGet();
        dispatcher.shutdown().signal(metrics);
        if (streamCut != null) {
            ex.cancelToken(streamCut); // a body that ended as it should fires nothing
            streamCut = null;
        }
        if (closeDelimited || closing || !ctx.channel().isActive()) { // closing: nothing more is served here
            closing = true;
            ctx.close();
        } else {
            startNext();
        }
    }

    private void finish(Exchange ex, boolean error) {
        account(ex, error);
        next();
    }

    private void account(Exchange ex, boolean error) {
        var how = ex.outcome();
        if (how == Outcome.RESPONDED || how == Outcome.FAILED || how == Outcome.TIMED_OUT) {
            metrics.completed.increment();
        }
        long now = System.nanoTime();
        lastAnswerNanos = now;
        ex.routeMetrics.record(now - ex.arrivalNanos, ex.holdNanos(), error);
        metrics.inFlight.decrementAndGet();
    }

    private void next() {
        current = null;
        dispatcher.shutdown().signal(metrics);
        startNext();
    }

    /** A response that needs no handler (404, 405, OPTIONS, 503, a rejected request); on the event loop. */
    void sendDirect(Response response, boolean keepAlive, boolean head, boolean forceClose) {
        boolean close = forceClose || !keepAlive || closing || dispatcher.shutdown().isDraining();
        byte[] json = response.bodyKind() == Response.BodyKind.JSON ? problemJson(response) : null;
        ByteBuf msg = encode(response, json, head, close, null);
        if (close) {
            closing = true;
            ctx.writeAndFlush(msg).addListener(forceClose ? LingeringClose.INSTANCE : ChannelFutureListener.CLOSE);
            pending.releaseAll();
            return;
        }
        ctx.write(msg, ctx.voidPromise());
        flushSoon();
    }

    private static String serverTiming(Exchange ex) {
        RequestTrace trace = ex.trace();
        return trace == null ? null : trace.endWithWrite(ex.sentNanos);
    }

    private void flushSoon() {
        if (inRead) {
            needsFlush = true;
        } else {
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.openConnections.decrementAndGet();
        timer.stop();
        idleTimer.stop();
        closing = true;
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.CLIENT_DISCONNECT)) {
            metrics.clientDisconnects.increment();
            finish(ex, false);
        }
        if (stream != null) {
            metrics.clientDisconnects.increment();
            streamCut = CancellationReason.CLIENT_DISCONNECT;
            stream.clientGone();
        }
        pending.releaseAll();
        ctx.fireChannelInactive();
    }

    /** Graceful shutdown ran out of time: cancel what is in flight and answer 503. */
    void cancelForShutdown() {
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.SHUTDOWN)) {
            dispatcher.shutdown().cancelled.increment();
            closing = true;
            Response unavailable = dispatcher.unavailable("the server shut down before the request completed", ex.request.path());
            ctx.writeAndFlush(encode(unavailable, problemJson(unavailable), ex.head, true, null)).addListener(ChannelFutureListener.CLOSE);
            finish(ex, true);
        } else if (stream != null) {
            dispatcher.shutdown().cancelled.increment();
            streamCut = CancellationReason.SHUTDOWN;
            closing = true;
            if (eventStream) {
                // an event stream ends cleanly, with its last chunk (its client reconnects elsewhere);
                // the connection closes once that is written (streamEnded)
                stream.close();
                return;
            }
            // a body cut short must look cut; one not begun yet gets its 503 instead of its head
            stream.fail(new dev.baton.http.HttpException(503, "the server shut down before the request completed"));
        }
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a client gone mid-body (or refused mid-body by the scanner) is routine, not a server fault
        if (cause instanceof IOException || cause instanceof io.netty.handler.codec.PrematureChannelClosureException) {
            log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("connection {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
