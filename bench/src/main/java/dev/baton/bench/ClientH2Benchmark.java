package dev.baton.bench;

import dev.baton.client.BodyReader;
import dev.baton.client.HttpClient;
import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * baton-client over h2c (one connection, many streams) against the same client over HTTP/1.1
 * (a pool of connections), each against a bare Netty server of that protocol on one event loop
 * answering "Hello, World!" (Baton's own server does not speak h2 on this branch: the same
 * Netty code on both sides keeps the comparison about the client). Bounded in calls and time
 * per measurement, loopback only.
 *
 * <pre>{@code
 * ./baton build -pl bench -am dependency:build-classpath -Dmdep.outputFile=/tmp/bench-cp.txt
 * java -cp bench/target/classes:$(cat /tmp/bench-cp.txt) dev.baton.bench.ClientH2Benchmark --requests 100000 --seconds 8
 * }</pre>
 */
public final class ClientH2Benchmark {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private ClientH2Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int requests = ClientBenchmark.intArg(args, "--requests", 60_000);
        int seconds = ClientBenchmark.intArg(args, "--seconds", 8);
        int limit = ClientBenchmark.intArg(args, "--limit", 256);
        int[] levels = Arrays.stream(ClientBenchmark.stringArg(args, "--concurrency", "1,64,256").split(",")).mapToInt(Integer::parseInt).toArray();
        EventLoopGroup serverLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel h1 = serve(serverLoop, false);
        Channel h2 = serve(serverLoop, true);
        String h1Url = "http://127.0.0.1:" + port(h1) + "/hello";
        String h2Url = "http://127.0.0.1:" + port(h2) + "/hello";
        // the same limit for both: connections for HTTP/1.1, streams for h2c
        HttpClient client = HttpClient.builder().maxConnectionsPerHost(limit).maxQueuedPerHost(10_000)
                .h2PriorKnowledgeFor("127.0.0.1:" + port(h2), true).build();
        Supplier<CompletableFuture<?>> h1Call = () -> client.get(h1Url).send(BodyReader.text());
        Supplier<CompletableFuture<?>> h2Call = () -> client.get(h2Url).send(BodyReader.text());
        System.out.printf("servers: Netty HTTP/1.1 and h2c on one event loop; %d cores; %d calls or %d s per run; "
                + "per-host limit %d%n", Runtime.getRuntime().availableProcessors(), requests, seconds, limit);
        try {
            for (int c : levels) {
                ClientBenchmark.run("http/1.1", c, Math.min(requests, 20_000), 3, h1Call);
                ClientBenchmark.run("h2c", c, Math.min(requests, 20_000), 3, h2Call);
                ClientBenchmark.Result a = ClientBenchmark.run("http/1.1", c, requests, seconds, h1Call);
                ClientBenchmark.Result b = ClientBenchmark.run("h2c", c, requests, seconds, h2Call);
                print(a);
                print(b);
                System.out.printf(Locale.ROOT, "  ratio h2c/http1.1 at %d: throughput %.2fx, p99 %.2fx (lower is better)%n",
                        c, b.throughput() / a.throughput(), b.p99() / a.p99());
            }
            System.out.println("connections per host: " + client.stats().hosts().entrySet().stream()
                    .map(e -> e.getKey() + " peak " + e.getValue().peakOpen()).toList());
        } finally {
            client.close();
            serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static void print(ClientBenchmark.Result r) {
        System.out.printf(Locale.ROOT, "%-8s concurrency %5d: %7d calls %4d errors in %5.2f s = %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms%n",
                r.client(), r.concurrency(), r.completed(), r.errors(), r.seconds(), r.throughput(), r.p50(), r.p99());
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static Channel serve(EventLoopGroup loop, boolean h2c) throws InterruptedException {
        return new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (h2c) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                                    .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(1000)).build(),
                                    new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                        @Override
                                        protected void initChannel(Http2StreamChannel s) {
                                            s.pipeline().addLast(new H2Hello());
                                        }
                                    }));
                        } else {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new H1Hello());
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private static final class H1Hello extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof LastHttpContent) {
                DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(HELLO));
                r.headers().set("content-type", "text/plain").set("content-length", HELLO.length);
                ctx.writeAndFlush(r);
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private static final class H2Hello extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h && h.isEndStream()) {
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200").set("content-type", "text/plain")
                        .setInt("content-length", HELLO.length)));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(HELLO), true));
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
