package dev.baton.bench;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.client.BodyReader;
import dev.baton.client.HttpClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Outbound client throughput and latency: Baton's client against the JDK's
 * {@code java.net.http.HttpClient}, in one run, on the same Baton backend over loopback, with
 * a fixed number of calls kept in flight. Bounded in calls and in time per measurement.
 *
 * <pre>{@code
 * ./baton build -pl bench -am dependency:build-classpath -Dmdep.outputFile=/tmp/bench-cp.txt
 * java -cp bench/target/classes:$(cat /tmp/bench-cp.txt) dev.baton.bench.ClientBenchmark --requests 100000 --seconds 8
 * }</pre>
 */
public final class ClientBenchmark {
    private ClientBenchmark() {
    }

    record Result(String client, int concurrency, int completed, int errors, double seconds, double p50, double p99) {
        double throughput() {
            return completed / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int requests = intArg(args, "--requests", 60_000);
        int seconds = intArg(args, "--seconds", 10);
        int[] levels = Arrays.stream(stringArg(args, "--concurrency", "64,2000").split(",")).mapToInt(Integer::parseInt).toArray();

        Server backend = Server.builder()
                .config(c -> c.port(0).host("127.0.0.1").eventLoopThreads(1).maxConnections(20_000))
                .routing(r -> r.get("/hello", ctx -> "Hello, World!").execution(ExecutionModel.EVENT_LOOP))
                .build().start();
        String url = "http://127.0.0.1:" + backend.port() + "/hello";
        URI uri = URI.create(url);
        HttpClient baton = HttpClient.builder().maxQueuedPerHost(10_000).build();
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        HttpRequest jdkRequest = HttpRequest.newBuilder(uri).build();
        Supplier<CompletableFuture<?>> batonCall = () -> baton.get(url).send(BodyReader.text());
        Supplier<CompletableFuture<?>> jdkCall = () -> jdk.sendAsync(jdkRequest, HttpResponse.BodyHandlers.ofString());

        System.out.printf("backend: Baton on 127.0.0.1:%d (1 event loop); %d cores; %d calls or %d s per run%n",
                backend.port(), Runtime.getRuntime().availableProcessors(), requests, seconds);
        System.out.printf("baton-client: %d connections per host (default 12 x cores)%n", baton.config().maxConnectionsPerHost());
        try {
            for (int c : levels) {
                // warm both up at this level, then measure each in turn
                run("baton", c, Math.min(requests, 20_000), 3, batonCall);
                run("jdk", c, Math.min(requests, 20_000), 3, jdkCall);
                Result b = run("baton", c, requests, seconds, batonCall);
                Result j = run("jdk", c, requests, seconds, jdkCall);
                print(b);
                print(j);
                System.out.printf(Locale.ROOT, "  ratio baton/jdk at %d: throughput %.2fx, p99 %.2fx (lower is better)%n",
                        c, b.throughput() / j.throughput(), b.p99() / j.p99());
            }
        } finally {
            baton.close();
            jdk.close();
            backend.stop(Duration.ofSeconds(1));
        }
    }

    private static void print(Result r) {
        System.out.printf(Locale.ROOT, "%-6s concurrency %5d: %7d calls %4d errors in %5.2f s = %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms%n",
                r.client(), r.concurrency(), r.completed(), r.errors(), r.seconds(), r.throughput(), r.p50(), r.p99());
    }

    /** Keeps {@code concurrency} calls in flight until {@code total} were issued or {@code seconds} passed. */
    static Result run(String name, int concurrency, int total, int seconds, Supplier<CompletableFuture<?>> call)
            throws InterruptedException {
        long[] latencies = new long[total];
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch lanes = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        long stopAt = start + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; i < concurrency; i++) {
            new Lane(call, latencies, issued, completed, errors, lanes, total, stopAt).next();
        }
        if (!lanes.await(seconds + 30L, TimeUnit.SECONDS)) {
            System.out.println("  (" + name + " at " + concurrency + ": calls still in flight after the time limit)");
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        int n = completed.get();
        long[] sorted = Arrays.copyOf(latencies, Math.min(n, total));
        Arrays.sort(sorted);
        return new Result(name, concurrency, n, errors.get(), elapsed, percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** One call in flight at a time; the next starts when the previous completes. */
    private record Lane(Supplier<CompletableFuture<?>> call, long[] latencies, AtomicInteger issued, AtomicInteger completed,
                        AtomicInteger errors, CountDownLatch lanes, int total, long stopAt) {
        void next() {
            if (issued.getAndIncrement() >= total || System.nanoTime() > stopAt) {
                lanes.countDown();
                return;
            }
            long start = System.nanoTime();
            CompletableFuture<?> f;
            try {
                f = call.get();
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                lanes.countDown();
                return;
            }
            f.whenComplete((r, e) -> {
                if (e != null) {
                    errors.incrementAndGet();
                } else {
                    int i = completed.getAndIncrement();
                    if (i < latencies.length) {
                        latencies[i] = System.nanoTime() - start;
                    }
                }
                next();
            });
        }
    }

    static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, String.valueOf(fallback)));
    }

    static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
