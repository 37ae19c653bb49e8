package dev.baton.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP/2 server for the client's h2 tests, on Netty's server codec (Baton's own h2 server
 * is another part of the work): h2c by prior knowledge, or h2 over TLS with ALPN (offering h2, or
 * only http/1.1, which it then answers with 426). It counts the connections it accepted and the
 * streams it saw, and answers by path:
 * <ul>
 *   <li>{@code /echo}: 200 with the request's body, and {@code x-method}, {@code x-baton-timeout}
 *       (the request's {@code baton-timeout}) and {@code x-traceparent} headers;</li>
 *   <li>{@code /hold}: nothing until {@link #releaseHeld()}, then 200 {@code released};</li>
 *   <li>{@code /sized}: 200 {@code sized} with its content-length; to a HEAD, the head alone;</li>
 *   <li>{@code /big?bytes=N}: N bytes ({@code 'a'..'z'} repeating), written only while the stream's
 *       flow-control window has room;</li>
 *   <li>{@code /refuse-once}: RST_STREAM(REFUSED_STREAM) the first time, 200 {@code ok} after;</li>
 *   <li>{@code /reset}: RST_STREAM(INTERNAL_ERROR) after the response's headers;</li>
 *   <li>{@code /bad/connection-header}, {@code /bad/no-status}, {@code /bad/content-length}:
 *       responses RFC 9113 calls malformed.</li>
 * </ul>
 */
final class H2Backend implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;
    /** {@code 'a'..'z'} repeated: a {@code /big} chunk is a slice of it, starting at its offset's letter. */
    private static final byte[] ALPHABET = new byte[CHUNK + 26];

    static {
        for (int i = 0; i < ALPHABET.length; i++) {
            ALPHABET[i] = (byte) ('a' + i % 26);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final String scheme;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final Queue<Http2StreamChannel> held = new ConcurrentLinkedQueue<>();
    private final List<Long> resets = new CopyOnWriteArrayList<>();
    private final List<Channel> parents = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refused = new AtomicBoolean();
    private final AtomicLong bigSent = new AtomicLong();
    private volatile boolean bigBlocked;

    private H2Backend(int maxConcurrentStreams, SSLContext tls, boolean offerH2) throws InterruptedException {
        this.scheme = tls == null ? "http" : "https";
        SslContext ssl = tls == null ? null : new JdkSslContext(tls, false, null, IdentityCipherSuiteFilter.INSTANCE,
                offerH2 ? new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                        : ApplicationProtocolConfig.DISABLED, ClientAuth.NONE, null, false);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        parents.add(ch);
                        if (ssl == null) {
                            h2(ch, maxConcurrentStreams);
                            return;
                        }
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new ApplicationProtocolNegotiationHandler(
                                ApplicationProtocolNames.HTTP_1_1) {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    h2(ctx.channel(), maxConcurrentStreams);
                                } else {
                                    http1(ctx.channel());
                                }
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    static H2Backend start() throws InterruptedException {
        return new H2Backend(100, null, true);
    }

    static H2Backend start(int maxConcurrentStreams) throws InterruptedException {
        return new H2Backend(maxConcurrentStreams, null, true);
    }

    /** Over TLS: ALPN offering h2 (and http/1.1), or, without {@code offerH2}, no ALPN at all. */
    static H2Backend tls(SSLContext context, boolean offerH2) throws InterruptedException {
        return new H2Backend(100, context, offerH2);
    }

    private void h2(Channel ch, int maxConcurrentStreams) {
        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(maxConcurrentStreams))
                .validateHeaders(false).build());
        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel s) {
                streams.incrementAndGet();
                s.pipeline().addLast(new Exchange());
            }
        }));
    }

    /** The answer of an HTTP/1.1 connection (no ALPN): a plain text line, so the client's fallback shows. */
    private static void http1(Channel ch) {
        ch.pipeline().addLast(new io.netty.handler.codec.http.HttpServerCodec(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof io.netty.handler.codec.http.LastHttpContent) {
                    byte[] body = "http/1.1".getBytes(StandardCharsets.US_ASCII);
                    var response = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                            io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.OK,
                            Unpooled.wrappedBuffer(body));
                    response.headers().set("content-length", body.length);
                    ctx.writeAndFlush(response);
                }
                ReferenceCountUtil.release(msg);
            }
        });
    }

    String url(String path) {
        return scheme + "://" + (scheme.equals("https") ? "localhost" : "127.0.0.1") + ":" + port() + path;
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** TCP connections accepted. */
    int connections() {
        return connections.get();
    }

    /** Streams the clients opened. */
    int streams() {
        return streams.get();
    }

    /** Streams open now (a response not ended, a reset not received). */
    int openStreams() {
        return open.get();
    }

    int held() {
        return held.size();
    }

    /** The error codes of the RST_STREAM frames received. */
    List<Long> resets() {
        return resets;
    }

    long bigBytesSent() {
        return bigSent.get();
    }

    /** A {@code /big} response waits for the client's WINDOW_UPDATE. */
    boolean bigBlocked() {
        return bigBlocked;
    }

    /** Answers every held stream still open. */
    void releaseHeld() {
        Http2StreamChannel s;
        while ((s = held.poll()) != null) {
            Http2StreamChannel ch = s;
            ch.eventLoop().execute(() -> respond(ch, 200, "released", true));
        }
    }

    /** The ids of the streams held now. */
    List<Integer> heldStreamIds() {
        return held.stream().map(s -> s.stream().id()).sorted().toList();
    }

    /** Sends GOAWAY(NO_ERROR, {@code lastStreamId}) on every connection. */
    void goAway(int lastStreamId) {
        for (Channel p : parents) {
            Http2FrameCodec codec = p.pipeline().get(Http2FrameCodec.class);
            if (codec != null && p.isActive()) {
                p.eventLoop().execute(() -> codec.goAway(p.pipeline().context(codec), lastStreamId, Http2Error.NO_ERROR.code(),
                        Unpooled.EMPTY_BUFFER, p.newPromise()));
                p.eventLoop().execute(p::flush);
            }
        }
    }

    private static void respond(Http2StreamChannel ch, int status, String body, boolean end) {
        if (!ch.isActive()) {
            return;
        }
        ch.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(Integer.toString(status))));
        ch.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), end));
    }

    /** One stream's request and answer. */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private Http2Headers request;
        private CompositeByteBuf body;
        private long bigLeft;
        private long bigOffset;
        private boolean counted;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h && request == null) {
                    request = h.headers();
                    body = ctx.alloc().compositeBuffer();
                    open.incrementAndGet();
                    counted = true;
                    if (h.isEndStream()) {
                        answer((Http2StreamChannel) ctx.channel());
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    body.addComponent(true, d.content().retain());
                    if (d.isEndStream()) {
                        answer((Http2StreamChannel) ctx.channel());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answer(Http2StreamChannel ch) {
            QueryStringDecoder target = new QueryStringDecoder(request.path().toString());
            switch (target.path()) {
                case "/echo" -> {
                    Http2Headers h = new DefaultHttp2Headers().status("200");
                    h.set("x-method", request.method());
                    copy(h, "baton-timeout", "x-baton-timeout");
                    copy(h, "traceparent", "x-traceparent");
                    boolean empty = !body.isReadable();
                    ch.write(new DefaultHttp2HeadersFrame(h, empty));
                    if (!empty) {
                        ch.write(new DefaultHttp2DataFrame(body.retain(), true));
                    }
                    ch.flush();
                }
                case "/hold" -> held.add(ch);
                case "/sized" -> { // a HEAD's answer: the length a GET would get, no body (RFC 9110 9.3.2)
                    boolean head = "HEAD".contentEquals(request.method());
                    Http2Headers h = new DefaultHttp2Headers().status("200").setInt("content-length", 5);
                    ch.write(new DefaultHttp2HeadersFrame(h, head));
                    if (!head) {
                        ch.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("sized", StandardCharsets.US_ASCII), true));
                    }
                    ch.flush();
                }
                case "/big" -> {
                    bigLeft = Long.parseLong(target.parameters().get("bytes").getFirst());
                    ch.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                            .setLong("content-length", bigLeft)));
                    writeBig(ch);
                }
                case "/refuse-once" -> {
                    if (refused.compareAndSet(false, true)) {
                        ch.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                    } else {
                        respond(ch, 200, "ok", true);
                    }
                }
                case "/reset" -> {
                    ch.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                    ch.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                }
                case "/bad/connection-header" -> ch.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers(false).status("200").set("connection", "keep-alive"), true));
                case "/bad/no-status" -> ch.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers(false).set("content-type", "text/plain"), true));
                case "/bad/content-length" -> {
                    ch.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200").setInt("content-length", 10)));
                    ch.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII), true));
                }
                default -> respond(ch, 404, "no such path", true);
            }
        }

        private void copy(Http2Headers to, String from, String as) {
            CharSequence v = request.get(from);
            if (v != null) {
                to.set(as, v);
            }
        }

        /** As much of the body as the stream's window takes now; the rest when it grows. */
        private void writeBig(Http2StreamChannel ch) {
            while (bigLeft > 0 && ch.isActive() && ch.isWritable()) {
                int n = (int) Math.min(CHUNK, bigLeft);
                int from = (int) (bigOffset % 26);
                ByteBuf chunk = Unpooled.wrappedBuffer(ALPHABET, from, n);
                bigOffset += n;
                bigLeft -= n;
                bigSent.addAndGet(n);
                ch.write(new DefaultHttp2DataFrame(chunk, bigLeft == 0));
            }
            bigBlocked = bigLeft > 0;
            ch.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (bigLeft > 0 && ctx.channel().isWritable()) {
                writeBig((Http2StreamChannel) ctx.channel());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame r) {
                resets.add(r.errorCode());
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (counted) {
                open.decrementAndGet();
            }
            if (body != null) {
                body.release();
            }
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        parents.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
