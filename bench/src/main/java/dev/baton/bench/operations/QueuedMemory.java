package dev.baton.bench.operations;

import dev.baton.Server;
import dev.baton.operations.OperationType;
import dev.baton.operations.Operations;
import dev.baton.operations.OperationsStats;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Heap per queued operation, in one JVM: a server whose one running slot is held by a handler
 * blocked on a latch, so that every operation created after it waits in the queue; then N
 * creates through HTTP ({@code POST /operations/{type}}, bounded concurrency), full collections
 * before and after, and the difference in used heap divided by N. Repeated with an
 * {@code Idempotency-Key} on each create, and with no input at all.
 *
 * <pre>{@code java -Xmx2g -XX:+UseParallelGC -cp baton-bench.jar dev.baton.bench.operations.QueuedMemory --n 100000}</pre>
 *
 * Prints one {@code MEMORY variant=.. n=.. bytes_per_op=..} line per variant.
 */
public final class QueuedMemory {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private QueuedMemory() {
    }

    public static void main(String[] args) throws Exception {
        int n = 100_000;
        int concurrency = 64;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[i + 1]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("usage: QueuedMemory [--n N] [--concurrency C]");
                    System.exit(2);
                }
            }
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
                System.err.println("queued memory: still running after 5 minutes; giving up");
                System.exit(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        CountDownLatch release = new CountDownLatch(1);
        Operations ops = Operations.builder()
                .type(OperationType.of("job", OperationsBenchServer.NoopInput.class, (in, op) -> {
                    release.await();
                    return null;
                }))
                .type(OperationType.of("bare", Void.class, (in, op) -> {
                    release.await();
                    return null;
                }))
                .config(c -> c.maxRunning(1).maxQueued(10_000_000).retention(Duration.ofHours(1)))
                .build();
        Server server = Server.builder().config(c -> c.port(0).host("127.0.0.1")).feature(ops).build().start();
        int exit = 0;
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            // the one running slot: taken by a handler that waits for the latch
            Map<Integer, Long> first = post(http, base, "job", "{\"n\":1}", 1, 1, null);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ops.stats().running() < 1 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            if (ops.stats().running() != 1 || !first.containsKey(202)) {
                throw new IllegalStateException("the blocking operation did not start: " + ops.stats() + " " + first);
            }
            // warm the client, the server and the JIT with operations that stay queued too
            post(http, base, "job", "{\"n\":1}", Math.min(n, 5000), concurrency, "warm-");
            System.out.printf(Locale.ROOT, "# queued memory: n=%d concurrency=%d, %s%n", n, concurrency,
                    ManagementFactory.getRuntimeMXBean().getInputArguments());
            measure(ops, http, base, "input", "job", "{\"n\":1}", n, concurrency, null);
            measure(ops, http, base, "input+key", "job", "{\"n\":1}", n, concurrency, "key-");
            measure(ops, http, base, "no-input", "bare", "", n, concurrency, null);
        } catch (Exception e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            release.countDown();
            server.stop(Duration.ofMillis(200));
        }
        System.exit(exit);
    }

    private static void measure(Operations ops, HttpClient http, URI base, String variant, String type, String body, int n,
                                int concurrency, String keyPrefix) throws Exception {
        long before = settledHeap();
        OperationsStats s0 = ops.stats();
        long t0 = System.nanoTime();
        Map<Integer, Long> statuses = post(http, base, type, body, n, concurrency, keyPrefix);
        double secs = (System.nanoTime() - t0) / 1e9;
        OperationsStats s1 = ops.stats();
        long after = settledHeap();
        // per operation created (202), not per stats().queued(): that counter can drift (see RESULTS.md)
        long created = statuses.getOrDefault(202, 0L);
        System.out.printf(Locale.ROOT,
                "MEMORY variant=%s n=%d created=%d queued_added=%d statuses=%s heap_before_mb=%.1f heap_after_mb=%.1f "
                        + "bytes_per_op=%.0f create_s=%.1f creates_per_s=%.0f%n",
                variant, n, created, s1.queued() - s0.queued(), statuses(statuses), before / 1048576.0, after / 1048576.0,
                created > 0 ? (double) (after - before) / created : 0, secs, n / secs);
    }

    /** Used heap after full collections, once two in a row agree within 1 %. */
    private static long settledHeap() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            System.gc();
            Thread.sleep(200);
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < last / 100) {
                return used;
            }
            last = used;
        }
        return last;
    }

    /** n creates, at most {@code concurrency} in flight; a distinct key on each when keyPrefix is set. Statuses counted. */
    private static Map<Integer, Long> post(HttpClient http, URI base, String type, String body, int n, int concurrency,
                                           String keyPrefix) throws Exception {
        Semaphore inFlight = new Semaphore(concurrency);
        Map<Integer, LongAdder> counts = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        // a per-run prefix keeps keys unique across calls
        String run = Long.toString(System.nanoTime(), 36) + "-";
        for (int i = 0; i < n; i++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("/operations/" + type))
                    .timeout(Duration.ofSeconds(30))
                    .POST(body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (!body.isEmpty()) {
                req.header("Content-Type", "application/json");
            }
            if (keyPrefix != null) {
                // padded to 36 characters, the length of the UUIDs most clients send
                String key = keyPrefix + run + i;
                req.header("Idempotency-Key", key + "_".repeat(Math.max(0, 36 - key.length())));
            }
            inFlight.acquire();
            CompletableFuture<?> f = http.sendAsync(req.build(), BodyHandlers.discarding()).whenComplete((res, e) -> {
                inFlight.release();
                counts.computeIfAbsent(e != null ? -1 : res.statusCode(), k -> new LongAdder()).increment();
            });
            pending.add(f);
            if (pending.size() >= 10_000) {
                pending.removeIf(CompletableFuture::isDone);
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(120, TimeUnit.SECONDS);
        Map<Integer, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static String statuses(Map<Integer, Long> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append(':').append(v));
        return sb.toString();
    }
}
