package dev.baton.client.internal;

import dev.baton.client.ClientConfig;
import dev.baton.client.ClientStats;
import dev.baton.client.ConnectFailedException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
 * the JDK's SSLEngine (hostname verified), then Netty's HTTP/1.1 client codec. The pipeline is
 * assembled here and nowhere else.
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
        return hosts.computeIfAbsent(key, k -> new HostPool(k, config.limitFor(k.toString()), config.maxQueuedPerHost(), this));
    }

    CompletableFuture<ClientConnection> connect(HostKey key, EventLoop loop, HostPool pool) {
        CompletableFuture<ClientConnection> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initPipeline(ch, key, pool);
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
            ClientConnection conn = ch.pipeline().get(ClientConnection.class);
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                result.complete(conn);
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    result.complete(conn);
                } else {
                    // the caller frees this connection's place when it learns of the failure; the
                    // close below must not free it a second time
                    conn.retire();
                    ch.close();
                    result.completeExceptionally(new ConnectFailedException("TLS handshake with " + key + " failed: "
                            + (untrusted(h.cause()) ? "the server's certificate is not trusted (for a private CA or a test "
                            + "certificate, see HttpClient.Builder.trustCertificates): " : "") + h.cause(), h.cause()));
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

    private void initPipeline(SocketChannel ch, HostKey key, HostPool pool) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (key.tls()) {
            SSLEngine engine = tls.newEngine(ch.alloc(), key.host(), key.port());
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
            SslHandler ssl = new SslHandler(engine);
            ssl.setHandshakeTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            p.addLast(ssl);
        }
        ResponseDecoder decoder = new ResponseDecoder(config.maxHeaderSize());
        p.addLast(decoder);
        p.addLast(new HttpRequestEncoder());
        long idle = config.idleTimeout().toMillis();
        if (idle > 0) {
            p.addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
        }
        p.addLast(new ClientConnection(ch, pool, decoder));
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
