package dev.baton.internal.netty;

import dev.baton.internal.tls.ServerTls;

import dev.baton.internal.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per HTTP/1.1 connection, confined to its event loop: the Netty side of it. Hands each
 * decoded request (or the scanner's refusal in its place) to the connection's
 * {@link RequestSequence}, which answers them one at a time and in order; counts the connection
 * open and closed, closes it when idle (a stalled body gets its 408), and tells the sequence when
 * the client leaves or the server stops.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private final RequestDispatcher dispatcher;
    private final ServerParts server;
    private final ServerMetrics metrics;
    private final ResponseWriter writer;
    private final ConnectionAnswers answers;
    private final IdleTimer idleTimer;
    private final OutputProgress output = new OutputProgress();
    private ChannelHandlerContext ctx;
    /** May be null (a test's pipeline). */
    private StrictRequestScanner scanner;
    private RequestSequence requests;
    private boolean opened;

    ConnectionHandler(RequestDispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.server = dispatcher.server();
        this.metrics = server.metrics();
        this.writer = new ResponseWriter(server);
        this.answers = new ConnectionAnswers(server, writer);
        this.idleTimer = new IdleTimer(server.config().idleTimeout().toNanos(), this::lastActivityNanos,
                this::isQuiet, this::closeIdle);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.scanner = ctx.pipeline().get(StrictRequestScanner.class);
        writer.bind(ctx);
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        requests = new RequestSequence(ctx, dispatcher, writer, answers, scanner, idleTimer, ssl == null ? null : ServerTls.session(ssl));
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
        answers.opened();
        idleTimer.start(ctx.executor());
    }

    private long lastActivityNanos() {
        long answered = answers.lastAnswerNanos();
        long read = scanner == null ? answered : scanner.lastReadNanos();
        long last = read - answered > 0 ? read : answered;
        long wrote = output.lastMovedNanos(ctx.channel().unsafe().outboundBuffer());
        return wrote - last > 0 ? wrote : last;
    }

    /** Nothing in flight, queued or half-received (a slow head is the head timeout's business). */
    private boolean isQuiet() {
        return requests.isQuiet() && (scanner == null || !scanner.isMidHead());
    }

    private void closeIdle() {
        if (scanner != null && scanner.isMidBody()) {
            // a client that stopped sending its body is told why, not just hung up on
            scanner.rejectStalledBody(ctx.pipeline().context(scanner), server.config().idleTimeout().toMillis());
            return;
        }
        requests.stopServing();
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        writer.readStarted();
        if (requests.isClosing() || !(msg instanceof FullHttpRequest) && !(msg instanceof RejectedRequest)) {
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
        requests.received(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        writer.readEnded();
        ctx.fireChannelReadComplete();
    }

    /**
     * A request head asked for {@code 100 Continue}. If the dispatcher already knows the final
     * answer (404, 405, 503...), that answer is queued after the requests before it, the connection
     * closes after it, and false is returned; else the 100 goes out once every earlier request has
     * been answered (bytes written sooner would land inside an earlier response).
     */
    boolean continueOrRefuse(HttpRequest head, ByteBuf interim) {
        return requests.continueOrRefuse(head, interim);
    }

    /** Taken out of a live connection (it turned out to speak HTTP/2): it no longer counts or times it. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && !requests.isClosing()) {
            metrics.openConnections.decrementAndGet();
            requests.detach();
            idleTimer.stop();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (opened) {
            metrics.openConnections.decrementAndGet();
        }
        idleTimer.stop();
        requests.disconnected();
        ctx.fireChannelInactive();
    }

    /** Graceful shutdown ran out of time: cancel what is in flight and answer 503. */
    void cancelForShutdown() {
        requests.cancelForShutdown();
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
