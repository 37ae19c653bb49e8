package dev.baton;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.controller.ActionFilter;
import dev.baton.controller.internal.ControllerCompiler;
import dev.baton.http.ExceptionMapper;
import dev.baton.http.JsonDefaults;
import dev.baton.internal.netty.NettyServer;
import dev.baton.routing.Route;
import dev.baton.routing.Routing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A Baton HTTP server: Netty event loops for I/O, a bounded worker pool for handlers.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .config(c -> c.port(8080))
 *     .routing(r -> r.get("/hello", ctx -> "Hello, World!"))
 *     .build()
 *     .start();
 * }</pre>
 */
public final class Server implements AutoCloseable {
    private final ServerConfig config;
    private final List<Route> routes;
    private final NettyServer netty;
    private final List<ServerFeature> features;
    private volatile int port = -1;
    private final java.util.concurrent.atomic.AtomicBoolean featuresStopped = new java.util.concurrent.atomic.AtomicBoolean();
    /** A graceful stop has begun (readiness is 503 from then on); guarded by this. */
    private boolean stopBegun;
    /** The JVM shutdown hook that stops this server, while it is installed; guarded by this. */
    private Thread shutdownHook;

    private Server(Builder b) {
        this.config = b.config;
        this.features = List.copyOf(b.features);
        ServerFeature.AsyncResponder[] responder = new ServerFeature.AsyncResponder[1];
        for (ServerFeature f : features) {
            f.setup(new ServerFeature.Setup() {
                @Override
                public Routing routing() {
                    return b.routing;
                }

                @Override
                public ServerConfig config() {
                    return b.config;
                }

                @Override
                public ObjectMapper objectMapper() {
                    return b.json;
                }

                @Override
                public void respondAsync(ServerFeature.AsyncResponder r) {
                    if (responder[0] != null) {
                        throw new IllegalStateException("two features answer Prefer: respond-async; keep one");
                    }
                    responder[0] = java.util.Objects.requireNonNull(r, "responder");
                }
            });
        }
        if (!b.controllers.isEmpty()) {
            // into the builder's routing, so that its middleware wraps the actions too; once
            new ControllerCompiler(b.json, b.actionFilters).register(b.routing, b.controllers);
            b.controllers.clear();
        }
        this.routes = b.routing.routes(responder[0]);
        this.netty = new NettyServer(config, routes, b.routing.middleware(), b.mappers, b.json, b.readinessChecks);
    }

    /**
     * A builder whose configuration starts from the settings outside the code: {@code baton.yaml}
     * (or {@code .yml}, {@code .properties}) on the classpath and in the working directory,
     * {@code BATON_SERVER_*} environment variables, {@code -Dbaton.server.*} system properties
     * ({@link dev.baton.config.BatonConfig}); what the code sets overrides them.
     *
     * @throws dev.baton.config.ConfigException for an unknown key or a bad value, naming it and its source
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts serving. The I/O threads are not daemons: a started server keeps
     * the JVM alive until {@link #stop()}. Unless {@code shutdownHook} is off, a JVM shutdown hook
     * (SIGTERM, Ctrl-C, {@code System.exit}) stops the server gracefully; {@link #stop()} removes it.
     */
    public synchronized Server start() {
        if (port >= 0) {
            throw new IllegalStateException("the server is already started");
        }
        port = netty.start();
        for (ServerFeature f : features) {
            f.start(this);
        }
        if (config.shutdownHook()) {
            Thread hook = new Thread(this::stop, "baton-shutdown-" + port);
            try {
                Runtime.getRuntime().addShutdownHook(hook);
                shutdownHook = hook;
            } catch (IllegalStateException shuttingDown) {
                // started while the JVM shuts down: whoever stops the JVM stops it
            }
        }
        return this;
    }

    /** The installed shutdown hook, or null: for tests that check it does not outlive the server. */
    synchronized Thread shutdownHook() {
        return shutdownHook;
    }

    /**
     * Reads the TLS certificate files again, without a restart: new connections get the new
     * certificate, open ones keep theirs. With {@code reloadInterval} set, the server also does
     * this by itself when the files change.
     *
     * <pre>{@code server.reloadTls(); // after certbot renewed the files}</pre>
     *
     * @throws IllegalStateException when the server has no TLS
     * @throws IllegalArgumentException when the files cannot be loaded (naming them and why); the previous certificate stays in use
     */
    public void reloadTls() {
        netty.reloadTls();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        if (port < 0) {
            throw new IllegalStateException("the server is not started");
        }
        return port;
    }

    public ServerConfig config() {
        return config;
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * The server's Netty event loops, for libraries that do I/O beside the server on the same
     * threads instead of starting their own: Baton's client
     * ({@code HttpClient.builder().eventLoops(server.eventLoopGroup())}), or any Netty-based driver.
     * The one Netty type in the core API, on purpose: Baton is built on Netty, and sharing loops
     * with another Netty library can only be said in Netty's terms. Nothing else needs it.
     */
    public io.netty.channel.EventLoopGroup eventLoopGroup() {
        return netty.eventLoopGroup();
    }

    /** A snapshot of the server's numbers. */
    public ServerStats stats() {
        return netty.stats();
    }

    /** Graceful shutdown with the configured grace period. */
    public ShutdownReport stop() {
        return stop(config.shutdownGrace());
    }

    /**
     * Graceful shutdown: readiness answers 503 at once; after the configured {@code shutdownDelay}
     * (zero by default), during which everything else is served as before, stop accepting, answer
     * new requests on open connections with 503 and {@code Connection: close}, let requests in
     * flight finish within {@code grace}, then cancel the rest with reason SHUTDOWN. Idempotent; a
     * second caller waits for the first one's stop.
     */
    public synchronized ShutdownReport stop(Duration grace) {
        Thread hook = shutdownHook;
        if (hook != null) {
            // so that a JVM running many servers one after another (a test suite) keeps no hook, or server, per server
            shutdownHook = null;
            if (Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is shutting down: the hook runs anyway, and finds the server stopped
                }
            }
        }
        if (port >= 0 && !stopBegun) {
            stopBegun = true;
            netty.stopping();
            delay(config.shutdownDelay());
        }
        // features drain beside the server (each on a thread of its own), within the same grace
        List<Thread> stopping = new ArrayList<>();
        if (port >= 0 && featuresStopped.compareAndSet(false, true)) {
            for (ServerFeature f : features) {
                stopping.add(Thread.ofVirtual().name("baton-stop-" + f.getClass().getSimpleName()).start(() -> f.stop(grace)));
            }
        }
        ShutdownReport report = netty.stop(grace);
        long until = System.nanoTime() + grace.toNanos() + Duration.ofSeconds(5).toNanos();
        for (Thread t : stopping) {
            try {
                t.join(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return report;
    }

    @Override
    public void close() {
        stop();
    }

    /** Waits out the shutdown delay: load balancers see readiness at 503 and take the node out meanwhile. */
    private static void delay(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop at once, then
        }
    }

    /** Builds a {@link Server}. */
    public static final class Builder {
        /** baton.yaml, BATON_SERVER_* and -Dbaton.server.*, under what the code sets (README "Configuration"). */
        private final dev.baton.config.BatonConfig outside = dev.baton.config.BatonConfig.load();
        private ServerConfig config = outside.serverConfig();
        private final Routing routing = new Routing();
        private final Map<Class<? extends Throwable>, ExceptionMapper<? extends Throwable>> mappers = new LinkedHashMap<>();
        private ObjectMapper json = JsonDefaults.mapper();
        private final List<Object> controllers = new ArrayList<>();
        private final List<ActionFilter> actionFilters = new ArrayList<>();
        private final List<ServerFeature> features = new ArrayList<>();
        private final Map<String, java.util.function.BooleanSupplier> readinessChecks = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a readiness check: while it returns false (or throws), the readiness probe
         * ({@code readinessPath}) answers 503 naming it. It runs on an event loop at each probe,
         * so it must be quick and never block: read a state your code keeps up to date (a pool's
         * health, a flag a background task sets), never open a connection from it.
         */
        public Builder readinessCheck(String name, java.util.function.BooleanSupplier ready) {
            if (name == null || name.isBlank() || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("a readiness check needs a name of visible ASCII: " + name);
            }
            if (readinessChecks.putIfAbsent(name, java.util.Objects.requireNonNull(ready, "ready")) != null) {
                throw new IllegalArgumentException("two readiness checks are named " + name);
            }
            return this;
        }

        /** Adds a feature (a module such as long-running operations): its routes, start and graceful stop. */
        public Builder feature(ServerFeature feature) {
            features.add(java.util.Objects.requireNonNull(feature, "feature"));
            return this;
        }

        /**
         * A whole configuration: it replaces the settings from outside the code too (each one it
         * holds another value for is logged); {@link #config(Consumer)} keeps them.
         */
        public Builder config(ServerConfig value) {
            outside.warnIfReplaced(value);
            this.config = value;
            return this;
        }

        /** Adjusts the configuration, starting from the current one. */
        public Builder config(Consumer<ServerConfig.Builder> adjust) {
            ServerConfig.Builder b = config.toBuilder();
            adjust.accept(b);
            try {
                this.config = b.build();
            } catch (IllegalArgumentException e) {
                throw dev.baton.config.BatonConfig.attributed(e, b); // names the source of a value set from outside
            }
            return this;
        }

        public Builder port(int port) {
            return config(c -> c.port(port));
        }

        /** Adds routes. May be called several times. */
        public Builder routing(Consumer<Routing> routes) {
            routes.accept(routing);
            return this;
        }

        /**
         * Adds annotated controllers ({@link dev.baton.controller}), compiled at {@link #build()}
         * into routes beside the functional ones, inside the top-level middleware. May be called
         * several times.
         */
        public Builder controllers(Object... instances) {
            controllers.addAll(List.of(instances));
            return this;
        }

        /** A filter around every controller action; {@code @Filters} on a class or action beat it. */
        public Builder actionFilter(ActionFilter filter) {
            actionFilters.add(java.util.Objects.requireNonNull(filter, "filter"));
            return this;
        }

        public <E extends Throwable> Builder exceptionMapper(Class<E> type, ExceptionMapper<? super E> mapper) {
            mappers.put(type, mapper);
            return this;
        }

        /** The Jackson mapper for JSON bodies; the default knows java.time and ignores unknown properties. */
        public Builder objectMapper(ObjectMapper mapper) {
            this.json = mapper;
            return this;
        }

        public Server build() {
            return new Server(this);
        }
    }
}
