package dev.baton.client.internal;

import dev.baton.client.ClientConfig;
import dev.baton.client.ClientStats;
import dev.baton.client.ConnectFailedException;
import dev.baton.client.Protocol;
import dev.baton.internal.netty.LeakSampling;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Every host's pool, and how a connection is made: TCP on the given event loop, TLS through
 * the JDK's SSLEngine (hostname verified, h2 offered by ALPN when the client may speak it),
 * then Netty's HTTP/1.1 client codec, or its HTTP/2 codec when ALPN chose h2 or the host is
 * known to speak h2c. The pipeline is assembled here and nowhere else.
 */
public final class ConnectionPool {
    final ClientMetrics metrics;
    final PoolSafetyNet safetyNet;
    private final ClientConfig config;
    private final Class<? extends SocketChannel> channelType;
    private final SslContext tls;
    private final Map<HostKey, HostPool> hosts = new ConcurrentHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup("baton-client", GlobalEventExecutor.INSTANCE);
    private volatile boolean closed;

    public ConnectionPool(ClientConfig config, EventLoopGroup group, SSLContext sslContext, ClientMetrics metrics) {
        LeakSampling.offUnlessAsked();
        this.config = config;
        this.metrics = metrics;
        this.safetyNet = new PoolSafetyNet(config.connectionWaitThreshold().toNanos(), metrics);
        // an epoll group has loaded epoll already: asking first would load it for a NIO group too (JDK 24+ warns)
        this.channelType = group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class) && Epoll.isAvailable()
                ? EpollSocketChannel.class : NioSocketChannel.class;
        this.tls = new JdkSslContext(sslContext, true, ClientAuth.NONE);
    }

    /** The pool of {@code key}'s host, made on first use with its limit. */
    public HostPool host(HostKey key) {
        return hosts.computeIfAbsent(key, k -> new HostPool(k, config.limitFor(k.toString()), config.maxQueuedPerHost(),
                modeOf(k), this));
    }

    private HostPool.Mode modeOf(HostKey key) {
        if (!key.tls()) {
            return config.h2PriorKnowledge(key.toString()) ? HostPool.Mode.HTTP_2 : HostPool.Mode.HTTP_1_1;
        }
        return config.protocols().contains(Protocol.HTTP_2) ? HostPool.Mode.NEGOTIATING : HostPool.Mode.HTTP_1_1;
    }

    /** A connection to {@code key}: HTTP/2 if {@code h2c} (cleartext) or if ALPN chose it, else HTTP/1.1. */
    CompletableFuture<Lease> connect(HostKey key, EventLoop loop, HostPool pool, boolean h2c) {
        CompletableFuture<Lease> result = new CompletableFuture<>();
        // completed by the protocol's handlers: at once for HTTP/1.1, on the server's SETTINGS for HTTP/2
        CompletableFuture<Lease> speaking = new CompletableFuture<>();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initPipeline(ch, key, pool, h2c, speaking);
                    }
                });
        ChannelFuture connecting = b.connect(key.host(), key.port());
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new ConnectFailedException("cannot connect to " + key + ": " + f.cause(), f.cause()));
                return;
            }
            Channel ch = connecting.channel();
            metrics.connectionsOpened.increment();
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl != null) {
                ssl.handshakeFuture().addListener(h -> {
                    if (!h.isSuccess()) {
                        // no protocol handler is in the pipeline yet: the close frees no place (the caller does)
                        ch.close();
                        result.completeExceptionally(new ConnectFailedException("TLS handshake with " + key + " failed: "
                                + (untrusted(h.cause()) ? "the server's certificate is not trusted (for a private CA or a test "
                                + "certificate, see HttpClient.Builder.trustCertificates): " : "") + h.cause(), h.cause()));
                    }
                });
            }
            speaking.whenComplete((conn, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(conn);
                }
            });
        });
        return result;
    }

    /** Whether a handshake failed on the server's certificate (unknown issuer, wrong host, expired) rather than on the way. */
    private static boolean untrusted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    /**
     * TLS (with ALPN when h2 may be spoken), and the protocol's handlers: at once on cleartext, so
     * that they see the server's first bytes (an h2 server's SETTINGS come unasked); over TLS once
     * ALPN has chosen, Netty's negotiation handler holding back what arrives meanwhile.
     */
    private void initPipeline(SocketChannel ch, HostKey key, HostPool pool, boolean h2c, CompletableFuture<Lease> speaking) {
        channels.add(ch);
        if (!key.tls()) {
            speak(ch, pool, h2c, speaking);
            return;
        }
        SSLEngine engine = tls.newEngine(ch.alloc(), key.host(), key.port());
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (config.protocols().contains(Protocol.HTTP_2)) {
            // ALPN (RFC 7301): the server picks among these; one that knows no ALPN leaves HTTP/1.1
            params.setApplicationProtocols(config.protocols().stream().map(Protocol::alpn).toArray(String[]::new));
        }
        engine.setSSLParameters(params);
        SslHandler ssl = new SslHandler(engine);
        ssl.setHandshakeTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ch.pipeline().addLast(ssl, new ApplicationProtocolNegotiationHandler(Protocol.HTTP_1_1.alpn()) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String fallback) {
                // the JDK's own engine (not wrapped by Netty) tells the chosen protocol itself; "" or null: none
                speak(ctx.channel(), pool, Protocol.HTTP_2.alpn().equals(engine.getApplicationProtocol()), speaking);
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // the connect's listener reports it
            }
        });
    }

    /** The protocol's handlers: the connection is ready when {@code result} completes. */
    private void speak(Channel ch, HostPool pool, boolean h2, CompletableFuture<Lease> result) {
        long idle = config.idleTimeout().toMillis();
        if (h2) {
            H2Connection.install(ch, pool, config.maxHeaderSize(), config.connectTimeout().toMillis(), idle)
                    .whenComplete((conn, error) -> {
                        if (error != null) {
                            result.completeExceptionally(error);
                        } else {
                            result.complete(conn);
                        }
                    });
            return;
        }
        ChannelPipeline p = ch.pipeline();
        ResponseDecoder decoder = new ResponseDecoder(config.maxHeaderSize());
        p.addLast(decoder);
        p.addLast(new HttpRequestEncoder());
        if (idle > 0) {
            p.addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
        }
        ClientConnection conn = new ClientConnection(ch, pool, decoder);
        p.addLast(conn);
        result.complete(conn);
    }

    public boolean isClosed() {
        return closed;
    }

    public Map<String, ClientStats.HostStats> stats() {
        Map<String, ClientStats.HostStats> out = new TreeMap<>();
        hosts.forEach((k, pool) -> out.put(k.toString(), pool.stats()));
        return out;
    }

    /** Fails the calls waiting for a connection and closes every connection: calls in flight fail. */
    public void close() {
        closed = true;
        hosts.values().forEach(HostPool::close);
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
