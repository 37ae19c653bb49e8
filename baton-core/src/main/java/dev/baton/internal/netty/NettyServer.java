package dev.baton.internal.netty;

import dev.baton.internal.tls.ServerTls;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.ServerConfig;
import dev.baton.ServerStats;
import dev.baton.ShutdownReport;
import dev.baton.http.ExceptionMapper;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.internal.routing.RouteTable;
import dev.baton.internal.tls.TlsPipeline;
import dev.baton.internal.websocket.WebSocketConnection;
import dev.baton.routing.Route;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Netty side of {@link dev.baton.Server}: event loops, bootstrap, shutdown. Not public API. */
public final class NettyServer {
    private static final Logger log = LoggerFactory.getLogger(NettyServer.class);

    private final ServerConfig config;
    private final ServerMetrics metrics = new ServerMetrics();
    private final ShutdownState shutdown = new ShutdownState();
    private final Dispatcher dispatcher;
    private final HandlerThreads threads;
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup("baton-connections", GlobalEventExecutor.INSTANCE);
    private final boolean epoll;
    /** Null for plain HTTP. */
    private final ServerTls tls;
    private Channel serverChannel;
    private ShutdownReport report;

    /** {@code middleware}: the whole server's, which also sees requests no route answers. */
    /** {@code readinessChecks}: by name, in order; each must be cheap and never block (it runs on an event loop). */
    public NettyServer(ServerConfig config, List<Route> routes, List<dev.baton.routing.Middleware> middleware,
                       Map<Class<? extends Throwable>, ExceptionMapper<? extends Throwable>> mappers, ObjectMapper json,
                       Map<String, BooleanSupplier> readinessChecks) {
        this.config = config;
        LeakSampling.offUnlessAsked();
        Health.validate(config, readinessChecks.keySet(), routes); // before any thread is made
        ClassLoadingActivity classLoading = new ClassLoadingActivity();
        SafetyNets nets = new SafetyNets(config, metrics, classLoading);
        this.threads = new HandlerThreads(config, routes, nets, classLoading);
        // each route's numbers and executor ride on its route-table entry: no lookup, no switch per request
        RouteTable table = new RouteTable(routes, r -> Dispatcher.bind(r, metrics, threads));
        ServerParts parts = new ServerParts(config, new ErrorMapping(mappers, config.timeoutStatus()),
                new ResponseRenderer(json, table, config.retryAfterSeconds(), ResponseCompression.of(config)), metrics, threads.workers(), shutdown, nets,
                config.accessLog() ? new AccessLog() : null);
        List<Health.Check> checks = readinessChecks.entrySet().stream().map(e -> new Health.Check(e.getKey(), e.getValue())).toList();
        Health health = Health.of(config, checks, shutdown, threads.watchdog());
        this.dispatcher = new Dispatcher(parts, table, routes, middleware, json, threads, health);
        // its files are read now: a certificate that cannot load stops the build, not the first handshake
        this.tls = config.tls().map(t -> new ServerTls(t, TlsPipeline.advertised(config.http2().enabled()))).orElse(null);
        this.epoll = config.nativeTransport() && NativeTransport.epoll();
        int threads = config.eventLoopThreads() > 0 ? config.eventLoopThreads() : Runtime.getRuntime().availableProcessors();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("baton-io", false) /* non-daemon: a started server keeps the JVM alive */, io);
    }

    /** Binds and returns the bound port. */
    public int start() {
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 8192)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ServerInitializer(config, dispatcher, channels, tls));
        threads.start(group); // before the first connection: its submits must find their loop's signal
        try {
            serverChannel = b.bind(config.host(), config.port()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            threads.close();
            throw new IllegalStateException("cannot bind " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info("Baton listening on {}:{} ({}{} transport, {} workers, queue {}{})", config.host(), port,
                tls == null ? "" : "https via " + tls.provider() + ", ", epoll ? "epoll" : "nio", config.workerThreads(),
                config.requestQueueCapacity(), epoll || !config.nativeTransport() ? "" : "; " + NativeTransport.whyNot());
        if (tls != null) {
            tls.startWatching();
        }
        return port;
    }

    /**
     * Reads the TLS certificate files again: new connections use the new certificate, open ones
     * keep theirs.
     *
     * @throws IllegalStateException when the server has no TLS
     * @throws IllegalArgumentException when the files cannot be loaded; the previous certificate stays
     */
    public void reloadTls() {
        if (tls == null) {
            throw new IllegalStateException("the server has no TLS to reload: it serves plain HTTP");
        }
        tls.reload();
    }

    /** The I/O event loops, shared with Baton modules (the outbound client runs on them). */
    public EventLoopGroup eventLoopGroup() {
        return group;
    }

    public ServerStats stats() {
        WorkerPool w = threads.workers();
        return metrics.snapshot(w.queued(), w.busy(), w.peak(), w.threads());
    }

    /** A graceful stop begins: readiness answers 503 from now on, while the server still serves. */
    public void stopping() {
        shutdown.startStopping();
    }

    /**
     * Stops accepting, answers new requests with 503 + close, waits up to {@code grace} for
     * requests in flight, cancels the rest with SHUTDOWN. Idempotent.
     */
    public synchronized ShutdownReport stop(Duration grace) {
        if (report != null) {
            return report;
        }
        long start = System.nanoTime();
        long inFlightAtStart = metrics.inFlight.get();
        // open connections stay up: a request that arrives on one now is answered 503 + close
        shutdown.startDraining(metrics);
        forEach(Http2Connection.class, Http2Connection::goAway);
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        if (tls != null) {
            tls.close();
        }
        // WebSocket sessions are told at once (1001) and get the grace to finish their close handshake
        List<WebSocketConnection> sessions = forEach(WebSocketConnection.class, WebSocketConnection::goAway);
        try {
            shutdown.drained.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("{} requests still in flight after the {} ms grace period; cancelling them",
                    metrics.inFlight.get(), grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("waiting for requests to drain failed", e);
        }
        long graceEnd = start + grace.toNanos();
        for (WebSocketConnection session : sessions) { // closed, and its onClose run before the workers stop
            try {
                session.ended().get(Math.max(0, graceEnd - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                log.debug("a WebSocket session did not end within the grace: {}", session);
            }
        }
        forEach(ConnectionHandler.class, ConnectionHandler::cancelForShutdown);
        forEach(Http2Connection.class, Http2Connection::cancelForShutdown);
        // event streams close once their last chunk is out; a client too slow to take it is cut
        long closedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (Channel ch : channels) {
            ch.closeFuture().awaitUninterruptibly(Math.max(0, closedBy - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        channels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        threads.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        long cancelled = shutdown.cancelled.sum();
        report = new ShutdownReport(inFlightAtStart, Math.max(0, inFlightAtStart - cancelled), cancelled,
                shutdown.refused.sum(), Duration.ofNanos(System.nanoTime() - start));
        log.info("Baton stopped: {}", report);
        return report;
    }

    /** Runs {@code action} on the {@code type} handler of every connection that has one; those handlers. */
    private <H extends io.netty.channel.ChannelHandler> List<H> forEach(Class<H> type, java.util.function.Consumer<H> action) {
        List<io.netty.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        List<H> handlers = new java.util.ArrayList<>();
        for (Channel ch : channels) {
            H h = ch.pipeline().get(type);
            if (h != null) {
                done.add(ch.eventLoop().submit(() -> action.accept(h)));
                handlers.add(h);
            }
        }
        // one deadline for all: a stalled event loop must not stretch shutdown by a second per connection
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (var f : done) {
            f.awaitUninterruptibly(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return handlers;
    }
}
