package dev.baton.bench.operations;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.operations.OperationContext;
import dev.baton.operations.OperationType;
import dev.baton.operations.Operations;
import dev.baton.operations.OperationsStats;
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
 * </ul>
 */
public final class OperationsBenchServer {
    private static final String HELLO = "Hello, World!";

    /** The input of {@code noop}. */
    public record NoopInput(int n) {
    }

    /** The input of {@code ticker}: how many progress reports, how far apart. */
    public record TickerInput(int ticks, int periodMs) {
    }

    private OperationsBenchServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8080;
        int maxRunning = 2000;
        int maxQueued = 1_000_000;
        int retentionS = 2;
        String model = null;
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
                default -> usage("unknown option " + args[i - 1]);
            }
        }
        int running = maxRunning;
        int queued = maxQueued;
        Duration retention = Duration.ofSeconds(retentionS);
        Operations ops = operations(running, queued, retention);
        String m = model;
        int p = port;
        Server server = Server.builder().config(c -> {
            c.port(p).host("127.0.0.1");
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
            stopped.countDown();
        }, "bench-shutdown"));
        System.out.printf("operations bench server ready on port %d model %s maxRunning %d maxQueued %d retention %ss pid %d%n",
                server.port(), server.config().defaultExecution(), running, queued, retentionS, ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
    }

    private static void usage(String why) {
        System.err.println("operations bench server: " + why);
        System.err.println("usage: OperationsBenchServer [--port N] [--max-running N] [--max-queued N] [--retention-s S] "
                + "[--model WORKER|EVENT_LOOP|VIRTUAL]");
        System.exit(2);
    }

    /** The feature: {@code noop} and {@code ticker}. */
    static Operations operations(int maxRunning, int maxQueued, Duration retention) {
        return Operations.builder()
                .type(OperationType.of("noop", NoopInput.class, (in, op) -> null))
                .type(OperationType.of("ticker", TickerInput.class, OperationsBenchServer::tick))
                .config(c -> c.maxRunning(maxRunning).maxQueued(maxQueued).retention(retention))
                .build();
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
