package dev.baton.bench;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.ServerConfig;
import dev.baton.context.RequestContext;
import dev.baton.http.HttpException;
import dev.baton.tls.TlsConfig;
import dev.baton.tls.TlsProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The load-test server: the three endpoints of the peer servers, every route in one execution
 * model, so that {@code ./baton bench} can show what each model costs.
 *
 * <pre>{@code java -jar bench/target/baton-bench.jar --port 8080 --model EVENT_LOOP}</pre>
 *
 * <ul>
 *   <li>{@code GET /plaintext}: {@code Hello, World!}</li>
 *   <li>{@code GET /json}: {@code {"message":"Hello, World!"}} through Jackson</li>
 *   <li>{@code GET /slow?ms=N}: {@code ok} after N ms of non-blocking waiting (a timer completes the stage)</li>
 *   <li>{@code GET /slow-blocking?ms=N}: {@code ok} after {@code Thread.sleep(N)}, to show what blocking costs</li>
 * </ul>
 */
public final class BenchServer {
    private static final String HELLO = "Hello, World!";
    private static final long MAX_DELAY_MS = 60_000;

    /** The JSON body, serialized by the server's Jackson mapper. */
    public record Message(String message) {
    }

    /** Which timer completes {@code /slow}. */
    public enum Timer {
        /** A task scheduled on the request's event loop ({@code ctx.scheduler()}): completes on the I/O thread, no extra hop. */
        LOOP,
        /** {@code CompletableFuture.completeOnTimeout}: the JDK's single delayer thread, then a hop to the I/O thread. */
        JDK
    }

    private BenchServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench server: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        Server server = start(o);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(server.config().shutdownGrace());
            stopped.countDown();
        }, "bench-shutdown"));
        System.out.printf("bench server ready on port %d model %s timer %s workers %d queue %d pid %d%n",
                server.port(), o.model, o.timer, server.config().workerThreads(), server.config().requestQueueCapacity(),
                ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
    }

    /** Builds and starts the server described by {@code o}. */
    public static Server start(Options o) {
        ServerConfig.Builder config = ServerConfig.builder().port(o.port).host(o.host).defaultExecution(o.model);
        if (o.workers > 0) {
            config.workerThreads(o.workers);
        }
        if (o.queue >= 0) {
            config.requestQueueCapacity(o.queue);
        }
        // 0 switches a timer off: to measure what the per-request and per-connection timers cost
        if (o.requestTimeoutMs >= 0) {
            config.requestTimeout(Duration.ofMillis(o.requestTimeoutMs));
        }
        if (o.headTimeoutMs >= 0) {
            // a head timeout must be positive; 0 here means "as good as off"
            config.requestHeadTimeout(o.headTimeoutMs == 0 ? Duration.ofDays(1) : Duration.ofMillis(o.headTimeoutMs));
        }
        if (o.idleTimeoutMs >= 0) {
            config.idleTimeout(Duration.ofMillis(o.idleTimeoutMs));
        }
        if (o.maxConnections > 0) {
            config.maxConnections(o.maxConnections);
        }
        config.shutdownGrace(Duration.ofMillis(o.shutdownGraceMs)).accessLog(o.accessLog);
        if (o.tls != null) {
            // bench/bench.sh tls: the same routes over HTTPS, one provider at a time
            config.tls(TlsConfig.builder().certificateChain(Path.of(o.cert)).privateKey(Path.of(o.key)).provider(o.tls).build());
        }
        java.util.concurrent.atomic.AtomicReference<Server> self = new java.util.concurrent.atomic.AtomicReference<>();
        Server server = Server.builder().config(config.build()).routing(r -> {
            r.get("/plaintext", ctx -> HELLO);
            // the server's own numbers, for the fault runs (bench/faults.sh)
            r.get("/bench-stats", ctx -> self.get().stats());
            r.get("/json", ctx -> new Message(HELLO));
            r.get("/slow", ctx -> delay(o.timer, ctx, millis(ctx)));
            r.get("/slow-blocking", ctx -> {
                Thread.sleep(millis(ctx));
                return "ok";
            });
        }).build();
        self.set(server);
        return server.start();
    }

    private static long millis(RequestContext ctx) {
        long ms = ctx.request().query("ms").asLong(500);
        if (ms < 0 || ms > MAX_DELAY_MS) {
            throw HttpException.badRequest("ms must be 0.." + MAX_DELAY_MS + ", got " + ms);
        }
        return ms;
    }

    /** "ok" after {@code ms}, without holding a thread. */
    static CompletionStage<String> delay(Timer timer, RequestContext ctx, long ms) {
        CompletableFuture<String> done = new CompletableFuture<>();
        if (timer == Timer.JDK) {
            return done.completeOnTimeout("ok", ms, TimeUnit.MILLISECONDS);
        }
        // the connection's own event loop: the stage completes where the response is written
        ctx.scheduler().schedule(() -> done.complete("ok"), ms, TimeUnit.MILLISECONDS);
        return done;
    }

    /** Command-line options. */
    public record Options(String host, int port, ExecutionModel model, Timer timer, int workers, int queue,
                          int requestTimeoutMs, int headTimeoutMs, int idleTimeoutMs, int maxConnections, int shutdownGraceMs, boolean accessLog,
                          TlsProvider tls, String cert, String key) {
        static final String USAGE = "usage: BenchServer [--port N] [--host H] [--model WORKER|EVENT_LOOP|VIRTUAL] "
                + "[--timer LOOP|JDK] [--workers N] [--queue N] [--request-timeout MS] [--head-timeout MS] "
                + "[--idle-timeout MS] [--max-connections N] [--shutdown-grace-ms MS, 500] [--access-log true|false] "
                + "[--tls AUTO|OPENSSL|JDK --cert PEM --key PEM]   (a timeout of 0 means none; unset ones keep the server defaults)";

        static Options parse(String... args) {
            String host = "127.0.0.1";
            int port = 8080;
            ExecutionModel model = ServerConfig.builder().build().defaultExecution();
            Timer timer = Timer.LOOP;
            int workers = 0;
            int queue = -1;
            int requestTimeout = -1;
            int headTimeout = -1;
            int idleTimeout = -1;
            int maxConnections = -1;
            int shutdownGrace = 500;
            boolean accessLog = false;
            TlsProvider tls = null;
            String cert = null;
            String key = null;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("-h") || name.equals("--help")) {
                    throw new IllegalArgumentException("help");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + name);
                }
                String v = args[++i];
                switch (name) {
                    case "--port" -> port = number(name, v);
                    case "--host" -> host = v;
                    case "--model" -> model = ExecutionModel.valueOf(v.toUpperCase(Locale.ROOT).replace('-', '_'));
                    case "--timer" -> timer = Timer.valueOf(v.toUpperCase(Locale.ROOT));
                    case "--workers" -> workers = number(name, v);
                    case "--queue" -> queue = number(name, v);
                    case "--request-timeout" -> requestTimeout = number(name, v);
                    case "--head-timeout" -> headTimeout = number(name, v);
                    case "--idle-timeout" -> idleTimeout = number(name, v);
                    case "--max-connections" -> maxConnections = number(name, v);
                    case "--shutdown-grace-ms" -> shutdownGrace = number(name, v);
                    case "--access-log" -> accessLog = Boolean.parseBoolean(v);
                    case "--tls" -> tls = TlsProvider.valueOf(v.toUpperCase(Locale.ROOT));
                    case "--cert" -> cert = v;
                    case "--key" -> key = v;
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if ((tls != null) != (cert != null && key != null)) {
                throw new IllegalArgumentException("--tls needs --cert and --key, and they need --tls");
            }
            return new Options(host, port, model, timer, workers, queue, requestTimeout, headTimeout, idleTimeout, maxConnections,
                    shutdownGrace, accessLog, tls, cert, key);
        }

        private static int number(String name, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a number, got '" + v + "'");
            }
        }
    }
}
