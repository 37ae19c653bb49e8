package dev.baton.internal.netty;

import dev.baton.internal.metrics.ServerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.io.IOException;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection, right after the frame codec: hands each stream's frames to its
 * {@link Http2ServerStream} (opened at its first HEADERS, kept by id until the codec says it
 * closed), tells it of its writability and of the stream errors the codec found; counts the
 * connection as open, closes it (GOAWAY) once no stream has been served for the idle timeout,
 * sends GOAWAY when the server starts draining, and on shutdown cancels its streams' requests. It
 * calls into its streams; they never call it (what they share goes through the
 * {@link Http2ConnectionParts}). No channel per stream: its pipeline's cost per request was most of
 * HTTP/2's. Connection-level frames the codec already acted on (SETTINGS, PING) end here. Confined
 * to the connection's event loop.
 */
final class Http2Connection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);

    private final ServerMetrics metrics;
    private final Http2ConnectionParts parts;
    private final IdleTimer idleTimer;
    private final int connectionWindow;
    private final RequestDispatcher dispatcher;
    private final Http2FrameCodec codec;
    private final IntObjectMap<Http2ServerStream> streams = new IntObjectHashMap<>();
    private ChannelHandlerContext ctx;

    /** {@code codec}: the frame codec this handler follows in the pipeline. */
    Http2Connection(RequestDispatcher dispatcher, Http2FrameCodec codec, Http2ConnectionParts parts) {
        ServerParts server = dispatcher.server();
        this.metrics = server.metrics();
        this.dispatcher = dispatcher;
        this.codec = codec;
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

    private boolean isQuiet() {
        for (Http2ServerStream s : streams.values()) {
            if (s.busy()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2StreamFrame f && f.stream() != null) {
                read(f);
            } // else SETTINGS, PING, GOAWAY: the codec has answered them
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** A frame of a stream: HEADERS opens it; a client's RST_STREAM is followed by the stream's close, which ends it. */
    private void read(Http2StreamFrame f) {
        parts.touch();
        Http2FrameStream frameStream = f.stream();
        Http2ServerStream stream = streams.get(frameStream.id());
        if (stream == null && f instanceof Http2HeadersFrame) {
            stream = new Http2ServerStream(ctx, frameStream, parts, dispatcher, () -> receiveWindow(frameStream.id()));
            streams.put(frameStream.id(), stream);
        }
        if (stream == null) {
            if (f instanceof Http2DataFrame d) { // (the codec refuses DATA before HEADERS; this is a second line)
                new Http2StreamOutlet(ctx, frameStream, parts.unwatched(), () -> 0).returnWindow(d.initialFlowControlledBytes(), false);
            }
            return;
        }
        try {
            if (f instanceof Http2HeadersFrame h) {
                stream.onHeaders(h);
            } else if (f instanceof Http2DataFrame d) {
                stream.onData(d);
            }
        } catch (RuntimeException e) {
            log.warn("HTTP/2 stream {} on {} failed", frameStream.id(), ctx.channel().remoteAddress(), e);
            stream.broke();
        }
    }

    /** What the client may still send on stream {@code id} before a WINDOW_UPDATE: 0 once it is closed. */
    private int receiveWindow(int id) {
        Http2Stream s = codec.connection().stream(id);
        return s == null ? 0 : codec.connection().local().flowController().windowSize(s);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2FrameStreamEvent e) {
            Http2ServerStream stream = streams.get(e.stream().id());
            if (stream != null) {
                if (e.type() == Http2FrameStreamEvent.Type.State && e.stream().state() == Http2Stream.State.CLOSED) {
                    streams.remove(e.stream().id());
                    stream.closed();
                    parts.touch();
                } else if (e.type() == Http2FrameStreamEvent.Type.Writability) {
                    Http2Stream s = codec.connection().stream(e.stream().id());
                    stream.writable(s != null && codec.connection().remote().flowController().isWritable(s));
                }
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // the codec closed the streams as the connection went; any it did not tell of close now
        for (Http2ServerStream s : new ArrayList<>(streams.values())) {
            s.closed();
        }
        streams.clear();
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
        for (Http2ServerStream s : new ArrayList<>(streams.values())) {
            s.cancelForShutdown();
        }
        ctx.channel().close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException e) {
            // a stream error the codec found and left to us to answer (a body breaking its content-length, say)
            log.debug("HTTP/2 stream {} on {} failed: {}", e.stream().id(), ctx.channel().remoteAddress(), e.getCause().toString());
            Http2ServerStream stream = streams.get(e.stream().id());
            if (stream != null) {
                stream.failed(e.error());
            } else {
                new Http2StreamOutlet(ctx, e.stream(), parts.unwatched(), () -> 0).reset(e.error());
            }
            return;
        }
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
