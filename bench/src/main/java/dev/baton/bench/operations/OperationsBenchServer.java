package dev.baton.bench.operations;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.operations.OperationContext;
import dev.baton.operations.OperationType;
import dev.baton.operations.Operations;
import dev.baton.operations.OperationsStats;
import dev.baton.operations.postgres.PostgresOperationStore;
import dev.baton.operations.store.OperationStore;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The load-test server of {@code ./baton bench operations}: a Baton server with the operations
 * feature, and beside it the plaintext route of the other benchmarks, for a same-server reference.
 *
 * <pre>{@code java -cp bench/target/baton-bench.jar dev.baton.bench.operations.OperationsBenchServer --port 8080 --max-running 2000}</pre>
 *
 * <ul>
 *   <li>{@code POST /operations/noop} with {@code {"n":1}}: an operation whose handler returns at once</li>
 *   <li>{@code POST /operations/ticker} with {@code {"ticks":T,"periodMs":100}}: from a random phase in
 *       [0, period), T times, every {@code periodMs} (fixed rate), reports {@code progress(i, "<System.nanoTime()>")}</li>
 *   <li>{@code GET /plaintext}: {@code Hello, World!}, in the server's default execution model</li>
 *   <li>{@code GET /clock}: this JVM's {@code System.nanoTime()}, for the driver to check the clocks agree</li>
 *   <li>{@code GET /bench-stats[?gc=true]}: {@link OperationsStats} and the heap in use (after full collections with gc)</li>
 *   <li>{@code POST /operations/hold} with {@code {"ms":M}}: runs M ms writing no progress; prints
 *       {@code MARK RUN <id> <attempt> <epoch-ms>} when an attempt starts (the rescue measurement)</li>
 * </ul>
 *
 * <p>{@code --store postgres --pg-url jdbc:postgresql://...} puts the operations in
 * {@link PostgresOperationStore} (schema {@code --pg-schema}, pool {@code --pg-pool}); several
 * servers on one database form a cluster. {@code --lease-ms} sets the claim lease,
 * {@code --host} the address to bind (127.0.0.1).
 */
public final class OperationsBenchServer {
    private static final String HELLO = "Hello, World!";

    /** The input of {@code noop}. */
    public record NoopInput(int n) {
    }

    /** The input of {@code ticker}: how many progress reports, how far apart. */
    public record TickerInput(int ticks, int periodMs) {
    }

    /** The input of {@code hold}: how long the attempt runs. */
    public record HoldInput(int ms) {
    }

    /** Where the operations live, and the lease of a claim: in memory (one node) or on PostgreSQL (a cluster). */
    record StoreSettings(String store, String pgUrl, String pgSchema, int pgPool, int leaseMs) {
        static final StoreSettings MEMORY = new StoreSettings("memory", null, "baton", 10, 10_000);
    }

    private OperationsBenchServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8080;
        int maxRunning = 2000;
        int maxQueued = 1_000_000;
        int retentionS = 2;
        String model = null;
        String host = "127.0.0.1";
        String store = "memory";
        String pgUrl = null;
        String pgSchema = "baton";
        int pgPool = 10;
        int leaseMs = 10_000;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                usage("missing value for " + args[i]);
            }
            String v = args[++i];
            switch (args[i - 1]) {
                case "--port" -> port = Integer.parseInt(v);
                case "--max-running" -> maxRunning = Integer.parseInt(v);
                case "--max-queued" -> maxQueued = Integer.parseInt(v);
                case "--retention-s" -> retentionS = Integer.parseInt(v);
                case "--model" -> model = v.toUpperCase(Locale.ROOT).replace('-', '_');
                case "--host" -> host = v;
                case "--store" -> store = v;
                case "--pg-url" -> pgUrl = v;
                case "--pg-schema" -> pgSchema = v;
                case "--pg-pool" -> pgPool = Integer.parseInt(v);
                case "--lease-ms" -> leaseMs = Integer.parseInt(v);
                default -> usage("unknown option " + args[i - 1]);
            }
        }
        int running = maxRunning;
        int queued = maxQueued;
        Duration retention = Duration.ofSeconds(retentionS);
        if (!store.equals("memory") && !(store.equals("postgres") && pgUrl != null)) {
            usage("--store is memory or postgres (with --pg-url)");
        }
        StoreSettings settings = new StoreSettings(store, pgUrl, pgSchema, pgPool, leaseMs);
        PostgresOperationStore pg = store.equals("postgres")
                ? PostgresOperationStore.builder().url(pgUrl).schema(pgSchema).poolSize(pgPool).build() : null;
        Operations ops = operations(running, queued, retention, pg, Duration.ofMillis(leaseMs));
        String m = model;
        int p = port;
        String h = host;
        Server server = Server.builder().config(c -> {
            c.port(p).host(h);
            if (m != null) {
                c.defaultExecution(ExecutionModel.valueOf(m));
            }
        }).feature(ops).routing(r -> {
            r.get("/plaintext", ctx -> HELLO);
            r.get("/clock", ctx -> Long.toString(System.nanoTime())).execution(ExecutionModel.EVENT_LOOP);
            r.get("/bench-stats", ctx -> {
                var gc = ctx.request().query("gc");
                return stats(ops, gc.isPresent() && gc.asBoolean());
            });
        }).build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(Duration.ofMillis(500));
            if (pg != null) {
                pg.close();
            }
            stopped.countDown();
        }, "bench-shutdown"));
        System.out.printf("operations bench server ready on port %d model %s maxRunning %d maxQueued %d retention %ss store %s lease %dms pid %d%n",
                server.port(), server.config().defaultExecution(), running, queued, retentionS, settings.store(), leaseMs,
                ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
    }

    private static void usage(String why) {
        System.err.println("operations bench server: " + why);
        System.err.println("usage: OperationsBenchServer [--port N] [--max-running N] [--max-queued N] [--retention-s S] "
                + "[--model WORKER|EVENT_LOOP|VIRTUAL] [--host H] [--store memory|postgres --pg-url JDBC-URL "
                + "[--pg-schema S] [--pg-pool N] [--lease-ms MS]]");
        System.exit(2);
    }

    /** The feature: {@code noop} and {@code ticker}, in memory. */
    static Operations operations(int maxRunning, int maxQueued, Duration retention) {
        return operations(maxRunning, maxQueued, retention, null, Duration.ofSeconds(10));
    }

    /** The feature: {@code noop}, {@code ticker} and {@code hold}, on {@code store} (null: in memory). */
    static Operations operations(int maxRunning, int maxQueued, Duration retention, OperationStore store, Duration lease) {
        return Operations.builder()
                .type(OperationType.of("noop", NoopInput.class, (in, op) -> null))
                .type(OperationType.of("ticker", TickerInput.class, OperationsBenchServer::tick))
                // rescued after a lost node: a second attempt is allowed
                .type(OperationType.of("hold", HoldInput.class, OperationsBenchServer::hold).retry(3, Duration.ZERO))
                .config(c -> {
                    c.maxRunning(maxRunning).maxQueued(maxQueued).retention(retention).lease(lease);
                    if (store != null) {
                        c.store(store);
                    }
                })
                .build();
    }

    /** Runs {@code ms} milliseconds, cancellable, after printing when (wall clock) this attempt started. */
    private static Object hold(HoldInput in, OperationContext op) throws InterruptedException {
        System.out.println("MARK RUN " + op.id() + " " + op.attempt() + " " + System.currentTimeMillis());
        System.out.flush();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, in.ms()));
        while (System.nanoTime() < end) {
            op.cancellation().throwIfCancelled();
            Thread.sleep(10);
        }
        return in.ms();
    }

    /**
     * Progress every {@code periodMs} at a fixed rate from a random phase, each carrying the
     * nanoTime at the call; a virtual thread sleeps between. Fixed rate, not "sleep a period
     * after each report": after a stall (a GC pause) each operation keeps its own phase instead
     * of all waking together and reporting in one burst from then on.
     */
    private static Object tick(TickerInput in, OperationContext op) throws InterruptedException {
        int ticks = Math.max(1, Math.min(in.ticks(), 100_000));
        long period = TimeUnit.MILLISECONDS.toNanos(Math.max(1, in.periodMs()));
        // a random phase, so that 1000 operations started together do not report in one burst
        long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(period);
        for (int i = 1; i <= ticks; i++) {
            op.cancellation().throwIfCancelled();
            next += period;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            op.progress((int) ((long) i * 100 / ticks), Long.toString(System.nanoTime()));
        }
        return ticks;
    }

    /** What the harness records after each sample. */
    public record BenchStats(long created, long rejected, long queued, long running, long succeeded, long failed,
                             long canceled, long heapUsedMb, long heapUsedBytes) {
    }

    /** With {@code gc}, the heap is measured after two full collections (a pause: never inside a measurement). */
    private static BenchStats stats(Operations ops, boolean gc) {
        if (gc) {
            System.gc();
            System.gc();
        }
        OperationsStats s = ops.stats();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new BenchStats(s.created(), s.rejected(), s.queued(), s.running(), s.succeeded(), s.failed(), s.canceled(),
                used / (1024 * 1024), used);
    }
}
