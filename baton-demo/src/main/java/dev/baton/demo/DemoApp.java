package dev.baton.demo;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.Tracing;
import dev.baton.context.RequestContext;
import dev.baton.http.EventStream;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import dev.baton.http.SseEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The small demo app: a sync route, an async route, a slow route that times out, a route that
 * shows the 503 of a full request queue, live numbers and an event stream.
 *
 * <pre>{@code ./baton demo --port 8080}</pre>
 */
public final class DemoApp {
    /** A deliberately small pool so that {@code /overload} can show the bounded queue at work. */
    static final int WORKERS = 4;
    static final int QUEUE = 4;

    private DemoApp() {
    }

    public static void main(String[] args) {
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if (args[i].startsWith("--port=")) {
                port = Integer.parseInt(args[i].substring(7));
            } else {
                System.err.println("usage: baton demo [--port N]");
                System.exit(2);
            }
        }
        Server server = start(port);
        System.out.println("Baton demo on http://localhost:" + server.port() + "/");
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "baton-demo-shutdown"));
    }

    /** Starts the demo on {@code port} (0 for any free port). */
    public static Server start(int port) {
        Server[] self = new Server[1];
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        self[0] = Server.builder()
                .config(c -> c.port(port).workerThreads(WORKERS).requestQueueCapacity(QUEUE).tracing(Tracing.ON_REQUEST))
                .routing(r -> {
                    r.get("/", ctx -> Response.ok().html(IndexPage.html()));
                    r.get("/sync", ctx -> Map.of("route", "sync", "thread", Thread.currentThread().getName()));
                    r.get("/async", DemoApp::async).execution(ExecutionModel.EVENT_LOOP);
                    r.get("/slow", ctx -> delay(millis(ctx, 3000), "finally done"))
                            .timeout(Duration.ofSeconds(1));
                    r.get("/blocking", ctx -> {
                        Thread.sleep(millis(ctx, 500));
                        return "slept on " + Thread.currentThread().getName();
                    });
                    r.get("/overload", ctx -> overload(client, self[0].port(), ctx));
                    r.get("/stats", ctx -> self[0].stats());
                    r.get("/events", ctx -> EventStream.of(emitter -> {
                        for (int i = 1; i <= 5; i++) {
                            final int n = i;
                            CompletableFuture.delayedExecutor(n * 300L, TimeUnit.MILLISECONDS)
                                    .execute(() -> {
                                        emitter.send(SseEvent.of("tick " + n).withId(String.valueOf(n)));
                                        if (n == 5) {
                                            emitter.close();
                                        }
                                    });
                        }
                    }));
                })
                .build()
                .start();
        return self[0];
    }

    private static CompletionStage<Map<String, Object>> async(RequestContext ctx) {
        String started = Thread.currentThread().getName();
        long ms = millis(ctx, 200);
        // a timer on another thread stands in for a slow backend: nothing waits meanwhile
        return delay(ms, "waited").thenApply(v -> Map.of("route", "async", "waitedMs", ms,
                "startedOn", started, "completedOn", Thread.currentThread().getName()));
    }

    /** The {@code ms} query parameter, 0 to 5000 (a 400 otherwise), or {@code orElse}. */
    static long millis(RequestContext ctx, long orElse) {
        var ms = ctx.request().query("ms");
        return !ms.isPresent() ? orElse : ms.as("a number of milliseconds from 0 to 5000", v -> {
            long n = Long.parseLong(v);
            if (n < 0 || n > 5000) {
                throw new IllegalArgumentException(v);
            }
            return n;
        });
    }

    static CompletionStage<String> delay(long ms, String value) {
        Executor later = CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> value, later);
    }

    /**
     * Fires 20 concurrent blocking requests at this server: past 4 workers and 4 queued, the
     * server answers 503 at once. The route answers with one of those 503s as it came (status,
     * Retry-After, problem+json), the tally of all twenty added to the problem.
     */
    private static CompletionStage<Response> overload(HttpClient client, int port, RequestContext ctx) {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/blocking?ms=500"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).handle((v, e) -> {
            Map<String, Integer> statuses = new TreeMap<>();
            HttpResponse<String> rejected = null;
            for (var c : calls) {
                HttpResponse<String> res = c.getNow(null);
                statuses.merge(res == null ? "error" : String.valueOf(res.statusCode()), 1, Integer::sum);
                if (res != null && res.statusCode() == 503 && rejected == null) {
                    rejected = res;
                }
            }
            if (rejected == null) {
                return Response.json(Map.of("concurrentRequests", 20, "statuses", statuses,
                        "note", "no request was refused this time: the pool kept up"));
            }
            Problem problem = Problem.of(503, "one of 20 concurrent requests to /blocking, refused by the full queue")
                    .with("concurrentRequests", 20).with("workers", WORKERS).with("queue", QUEUE)
                    .with("statuses", statuses);
            return Response.status(503).header("Retry-After", rejected.headers().firstValue("Retry-After").orElse("1"))
                    .problem(problem);
        });
    }
}
