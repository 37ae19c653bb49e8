package dev.baton.internal.netty;

import dev.baton.internal.metrics.ServerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection, after the codec and the stream multiplexer: counts it as open, closes it
 * (GOAWAY) once no stream has been served for the idle timeout, sends GOAWAY when the server starts
 * draining, and on shutdown cancels its streams' requests. It keeps the streams' handlers that
 * {@link Http2Pipeline} registers with it, and calls into them; they never call it (what they
 * share goes through the {@link Http2ConnectionParts}). Connection-level frames the codec already
 * acted on (SETTINGS, PING) end here. Confined to the connection's event loop.
 */
final class Http2Connection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);

    private final ServerMetrics metrics;
    private final Http2ConnectionParts parts;
    private final IdleTimer idleTimer;
    private final int connectionWindow;
    private final Set<Http2StreamHandler> streams = new HashSet<>();
    private ChannelHandlerContext ctx;

    Http2Connection(ServerParts server, Http2ConnectionParts parts) {
        this.metrics = server.metrics();
        this.parts = parts;
        // room for every stream's window at once: a stream whose reader is paused holds its window
        // unconsumed, and must not stall the connection's other streams on the connection's window
        this.connectionWindow = (int) Math.min(Integer.MAX_VALUE,
                (long) server.config().http2().initialWindowSize() * server.config().http2().maxConcurrentStreams());
        this.idleTimer = new IdleTimer(server.config().idleTimeout().toNanos(), parts::lastActivityNanos, this::isQuiet,
                () -> ctx.channel().close()); // from the tail: the codec sends GOAWAY first
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        metrics.openConnections.incrementAndGet();
        idleTimer.start(ctx.executor());
        if (connectionWindow > Http2CodecUtil.DEFAULT_WINDOW_SIZE) {
            // after the codec's SETTINGS, which it sent as it was added to the active channel
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(connectionWindow - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
        }
    }

    /** A stream opened: kept for the idle timer, the connection's close and shutdown. */
    void add(Http2StreamHandler stream) {
        streams.add(stream);
    }

    /** A stream closed. */
    void remove(Http2StreamHandler stream) {
        streams.remove(stream);
    }

    private boolean isQuiet() {
        for (Http2StreamHandler s : streams) {
            if (s.busy()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // SETTINGS, PING, GOAWAY: the codec has answered them
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (Http2StreamHandler s : new ArrayList<>(streams)) {
            s.closeHeld();
        }
        metrics.openConnections.decrementAndGet();
        idleTimer.stop();
        parts.stop();
        ctx.fireChannelInactive();
    }

    /** The server starts draining: the client is told to open no more streams here (those open are served). */
    void goAway() {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        }
    }

    /** Graceful shutdown ran out of time: cancel the streams' requests (503), then close. */
    void cancelForShutdown() {
        for (Http2StreamHandler s : new ArrayList<>(streams)) {
            s.cancelForShutdown();
        }
        ctx.channel().close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2Exception) {
            // the codec has answered it already (GOAWAY with its code, then the close)
            log.debug("HTTP/2 connection {} cut: {}", ctx.channel().remoteAddress(), cause.toString());
            return;
        }
        if (cause instanceof IOException) {
            log.debug("HTTP/2 connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("HTTP/2 connection {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.channel().close();
    }
}
