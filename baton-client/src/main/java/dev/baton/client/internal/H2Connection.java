package dev.baton.client.internal;

import dev.baton.client.ConnectFailedException;
import dev.baton.client.ConnectionClosedException;
import dev.baton.client.HttpClientException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP/2 connection to a host (h2 through ALPN, or h2c by prior knowledge), the last handler
 * of its pipeline: each exchange runs on a stream of its own ({@link H2Stream}), up to the
 * server's {@code SETTINGS_MAX_CONCURRENT_STREAMS} at once, which {@link HostPool} counts under
 * its lock. Ready once the server's first SETTINGS arrived; after a GOAWAY it drains: the
 * streams the server kept finish, new ones go to another connection.
 */
final class H2Connection extends ChannelInboundHandlerAdapter implements Lease {
    /** Per stream: what the server may send ahead of the reader (RFC 9113 6.9.2), a few chunks of a streamed body. */
    static final int STREAM_WINDOW = 256 * 1024;
    /** For the whole connection, so that a few busy streams do not wait on each other's window updates. */
    static final int CONNECTION_WINDOW = 4 * 1024 * 1024;

    private final Channel channel;
    private final HostPool pool;
    private final Http2FrameCodec codec;
    private final CompletableFuture<H2Connection> ready = new CompletableFuture<>();
    private final AtomicBoolean retired = new AtomicBoolean();
    /** The server's limit on our concurrent streams (unbounded until its SETTINGS say otherwise). */
    private volatile long maxStreams = Long.MAX_VALUE;
    private volatile boolean goingAway;
    private volatile Throwable failure;
    /** Streams leased on this connection (under the pool's lock). */
    int active;

    private H2Connection(Channel channel, HostPool pool, Http2FrameCodec codec) {
        this.channel = channel;
        this.pool = pool;
        this.codec = codec;
    }

    /** Makes {@code ch} (connecting, or connected) an HTTP/2 connection; ready when the server's SETTINGS arrive. */
    static CompletableFuture<H2Connection> install(Channel ch, HostPool pool, int maxHeaderSize, long connectTimeoutMillis,
                                                  long idleMillis) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false).maxConcurrentStreams(0)
                        .initialWindowSize(STREAM_WINDOW).maxHeaderListSize(maxHeaderSize))
                .validateHeaders(true)
                .build();
        H2Connection conn = new H2Connection(ch, pool, codec);
        ChannelPipeline p = ch.pipeline();
        p.addLast(codec);
        // push is off and the server may open no stream: one that does is closed at once
        p.addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                ctx.close();
            }
        }));
        if (idleMillis > 0) {
            p.addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        p.addLast(conn);
        ScheduledFuture<?> timer = ch.eventLoop().schedule(() -> conn.notReady(new ConnectFailedException(
                "the server did not start HTTP/2 (no SETTINGS frame) within " + connectTimeoutMillis + " ms", null)),
                connectTimeoutMillis, TimeUnit.MILLISECONDS);
        conn.ready.whenComplete((c, e) -> timer.cancel(false));
        return conn.ready;
    }

    private void notReady(Throwable cause) {
        // the caller frees this connection's place when it learns of the failure: the close must not free it again
        if (!ready.isDone() && retire()) {
            ready.completeExceptionally(cause instanceof HttpClientException ? cause
                    : new ConnectFailedException("the server did not start HTTP/2: " + cause, cause));
            channel.close();
        }
    }

    @Override
    public EventLoop loop() {
        return channel.eventLoop();
    }

    Channel channel() {
        return channel;
    }

    /** Open and taking new streams: no GOAWAY received (Netty's flag is set before it closes the refused streams). */
    boolean isUsable() {
        return channel.isActive() && !goingAway && !codec.connection().goAwayReceived();
    }

    long maxStreams() {
        return maxStreams;
    }

    /** True the first time: the pool frees this connection's place once. */
    boolean retire() {
        return retired.compareAndSet(false, true);
    }

    void close() {
        channel.close();
    }

    /** Why the connection failed (a protocol error of the server, say), or null. */
    Throwable failure() {
        return failure;
    }

    /** Whether the server's GOAWAY said it never processed stream {@code id} (RFC 9113 6.8). */
    boolean refusedByGoAway(int id) {
        Http2Connection c = codec.connection();
        return c.goAwayReceived() && (id < 0 || id > c.local().lastStreamKnownByPeer());
    }

    /** Runs {@code ex} on a new stream, from any thread; the pool has counted it. */
    @Override
    public void start(OutboundExchange ex) {
        if (!loop().inEventLoop()) {
            loop().execute(() -> start(ex));
            return;
        }
        if (!isUsable()) {
            // closed or going away while the lease was on its way: nothing was sent, another stream may be
            pool.releaseStream(this);
            if (!ex.restart()) {
                ex.fail(new ConnectionClosedException("the HTTP/2 connection to the host was closed before the request "
                        + "was sent", false, failure));
            }
            return;
        }
        H2Stream stream = new H2Stream(this, ex);
        new Http2StreamChannelBootstrap(channel).handler(stream.initializer()).open().addListener(f -> {
            if (f.isSuccess()) {
                stream.begin((Http2StreamChannel) f.getNow());
            } else {
                stream.release();
                ex.fail(new ConnectionClosedException("cannot open an HTTP/2 stream to the host: " + f.cause(), false, f.cause()));
            }
        });
    }

    /** A stream leased here ended, either way. */
    void streamEnded() {
        pool.releaseStream(this);
    }

    @Override
    public void giveBack() {
        pool.releaseStream(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame s) {
                Long max = s.settings().maxConcurrentStreams();
                if (max != null) {
                    maxStreams = max;
                }
                if (ready.complete(this)) {
                    // the connection's window starts at 64 KiB whatever SETTINGS say (RFC 9113 6.9.2)
                    ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
                } else {
                    pool.settingsChanged(); // a larger limit lets waiting calls in
                }
            } else if (msg instanceof Http2GoAwayFrame g) {
                goingAway = true;
                failure = new ConnectionClosedException("the server sent GOAWAY (" + H2Stream.errorName(g.errorCode())
                        + ", last stream " + g.lastStreamId() + ")", false, null);
                pool.goingAway(this);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        notReady(new ConnectFailedException("the connection closed before HTTP/2 started"
                + (failure == null ? "" : ": " + failure), failure));
        pool.retire(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a connection error (Netty sent GOAWAY for it): the streams fail as the connection closes
        failure = cause;
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            pool.evictIfIdle(this);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
