package dev.baton.internal.netty;

import dev.baton.internal.tls.ServerTls;

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
 * draining, and on shutdown cancels its streams' requests. Connection-level frames the codec
 * already acted on (SETTINGS, PING) end here. Confined to the connection's event loop.
 */
final class Http2Connection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);
    /** How often the bodies the server waits for are checked against the minimum rate. */
    private static final long BODY_RATE_CHECK_NANOS = 500_000_000L;

    private final ServerMetrics metrics;
    private final Http2ResponseHead heads;
    private final IdleTimer idleTimer;
    private final RequestAccounting accounting;
    /** The timeouts of all the connection's requests: one lazily re-armed timer, no task per request. */
    private final LazyTimer timeouts = new LazyTimer(System::nanoTime, this::timeoutsDue);
    /** The bodies the server waits for, held to the minimum body rate: one timer while any is awaited. */
    private final LazyTimer bodyRates = new LazyTimer(System::nanoTime, this::bodyRatesDue);
    private final boolean bodyRateOn;
    private final int connectionWindow;
    private final Set<Http2StreamHandler> streams = new HashSet<>();
    private ChannelHandlerContext ctx;
    /** The TLS session every stream of an h2 connection shares; null for h2c. */
    private dev.baton.tls.TlsSession tls;
    private long lastActivityNanos = System.nanoTime();
    private final long maxBodyBytes;
    /** Request body bytes the streams hold until their requests are whole: bounded per connection. */
    private long bodyBytes;
    private boolean flushScheduled;
    private final Runnable flush = () -> {
        flushScheduled = false;
        ctx.channel().flush(); // through the codec, which writes what flow control held too
    };

    Http2Connection(ServerParts server) {
        this.metrics = server.metrics();
        this.heads = new Http2ResponseHead(server.config().serverHeader());
        this.accounting = new RequestAccounting(server);
        this.maxBodyBytes = server.config().http2().maxConnectionBodyBytes();
        this.bodyRateOn = server.config().minRequestBodyRate() > 0;
        // room for every stream's window at once: a stream whose reader is paused holds its window
        // unconsumed, and must not stall the connection's other streams on the connection's window
        this.connectionWindow = (int) Math.min(Integer.MAX_VALUE,
                (long) server.config().http2().initialWindowSize() * server.config().http2().maxConcurrentStreams());
        this.idleTimer = new IdleTimer(server.config().idleTimeout().toNanos(), () -> lastActivityNanos, this::isQuiet,
                () -> ctx.channel().close()); // from the tail: the codec sends GOAWAY first
    }

    Http2ResponseHead heads() {
        return heads;
    }

    RequestAccounting accounting() {
        return accounting;
    }

    /** Times {@code ex} out at its budget's instant, if it has one. */
    void watch(Exchange ex) {
        if (ex.timeoutAtNanos != 0) {
            timeouts.fireBy(ex.timeoutAtNanos);
        }
    }

    private long timeoutsDue(long now) {
        long next = 0;
        for (Http2StreamHandler s : streams) {
            Exchange ex = s.inFlight();
            if (ex == null || ex.isCompleted() || ex.timeoutAtNanos == 0) {
                continue;
            }
            if (now - ex.timeoutAtNanos >= 0) {
                RequestTimeout.fire(ex, now);
            } else if (next == 0 || ex.timeoutAtNanos - next < 0) {
                next = ex.timeoutAtNanos;
            }
        }
        return next;
    }

    /** A stream waits for its body: checked against the minimum rate until it has it. */
    void watchBodyRate() {
        if (bodyRateOn) {
            bodyRates.fireBy(System.nanoTime() + BODY_RATE_CHECK_NANOS);
        }
    }

    private long bodyRatesDue(long now) {
        boolean awaited = false;
        for (Http2StreamHandler s : new ArrayList<>(streams)) { // a 408 may close a stream meanwhile
            awaited |= s.checkBodyRate(now);
        }
        return awaited ? now + BODY_RATE_CHECK_NANOS : 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        tls = ssl == null ? null : ServerTls.session(ssl);
        metrics.openConnections.incrementAndGet();
        idleTimer.start(ctx.executor());
        timeouts.bind(ctx.executor());
        bodyRates.bind(ctx.executor());
        if (connectionWindow > Http2CodecUtil.DEFAULT_WINDOW_SIZE) {
            // after the codec's SETTINGS, which it sent as it was added to the active channel
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(connectionWindow - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
        }
    }

    /** The connection's TLS session, which its streams' requests report; null over h2c. */
    dev.baton.tls.TlsSession tls() {
        return tls;
    }

    void opened(Http2StreamHandler stream) {
        streams.add(stream);
        touch();
    }

    void closed(Http2StreamHandler stream) {
        streams.remove(stream);
        touch();
    }

    /**
     * Flushes after the tasks and reads the event loop has queued now: the answers of many streams
     * (a read burst's, or the workers' that completed meanwhile) go out in one write.
     */
    void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.channel().eventLoop().execute(flush);
        }
    }

    /** Takes {@code n} more body bytes into the connection's budget; false (nothing taken) when it would pass it. */
    boolean holdBody(int n) {
        if (bodyBytes + n > maxBodyBytes) {
            return false;
        }
        bodyBytes += n;
        return true;
    }

    /** A stream handed on or dropped {@code n} body bytes it held. */
    void releaseBody(long n) {
        bodyBytes -= n;
    }

    /** A frame arrived on a stream. */
    void touch() {
        lastActivityNanos = System.nanoTime();
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
        timeouts.stop();
        bodyRates.stop();
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

    void streamFailed(Throwable cause) {
        log.debug("HTTP/2 stream on {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
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
