package dev.baton.demo.backend;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.context.CancellationReason;
import dev.baton.context.CancellationToken;
import dev.baton.context.RequestContext;
import dev.baton.demo.catalog.BackendQuery;
import dev.baton.demo.catalog.Catalog;
import dev.baton.demo.catalog.Delay;
import dev.baton.http.Problem;
import dev.baton.http.RequestTimeoutException;
import dev.baton.http.Response;
import dev.baton.routing.Routing;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The slow service the front pages call: {@code /api/products}, {@code /api/widgets} and
 * {@code /api/gizmos} answer their JSON list after a delay, awaiting a timer on the connection's
 * event loop (no thread waits), and stop that timer when the request's token fires, counting the
 * call as cancelled. {@code /api/stats} shows the counts.
 *
 * <pre>{@code GET /api/gizmos?delay=200-800&failRate=0.1}</pre>
 */
public final class BackendService {
    /** The response header that says how long this call was made to take, in milliseconds (drawn from a range, say). */
    public static final String DELAY_HEADER = "Backend-Delay";

    private static final List<String> RESOURCES = List.of("products", "widgets", "gizmos");

    private final Delay defaultDelay;
    private final double defaultFailRate;
    private final BackendCounters counters = new BackendCounters(RESOURCES);

    /**
     * @param defaultDelay    the delay of a call that asks for none
     * @param defaultFailRate the chance (0 to 1) that a call that asks for none fails with a 500
     */
    public BackendService(Delay defaultDelay, double defaultFailRate) {
        this.defaultDelay = defaultDelay;
        this.defaultFailRate = new BackendQuery(null, defaultFailRate).failRate();
    }

    /** Starts the backend on its own server ({@code port} 0 for any free one). */
    public Server start(String host, int port) {
        return Server.builder()
                .config(c -> c.host(host).port(port).workerThreads(2)) // every route runs on the event loop
                .routing(this::routes)
                .build()
                .start();
    }

    /** The backend's routes; every one is a timer or a read of counters, so none leaves the event loop. */
    public void routes(Routing r) {
        r.get("/", ctx -> describe()).execution(ExecutionModel.EVENT_LOOP);
        r.get("/api/products", ctx -> answer(ctx, "products", Catalog.PRODUCTS)).execution(ExecutionModel.EVENT_LOOP);
        r.get("/api/widgets", ctx -> answer(ctx, "widgets", Catalog.WIDGETS)).execution(ExecutionModel.EVENT_LOOP);
        r.get("/api/gizmos", ctx -> answer(ctx, "gizmos", Catalog.GIZMOS)).execution(ExecutionModel.EVENT_LOOP);
        r.get("/api/stats", ctx -> stats()).execution(ExecutionModel.EVENT_LOOP);
    }

    /** What the backend saw so far. */
    public BackendCounters.Snapshot stats() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("delay", defaultDelay.toString());
        defaults.put("failRate", defaultFailRate);
        return counters.snapshot(defaults);
    }

    /**
     * The list after the delay (its {@value #DELAY_HEADER} header says how long), or a 500 problem
     * for an injected failure. Only a timer waits; when the token fires first (the caller hung up,
     * or its propagated deadline passed), or the server ends the stage itself (a timeout fails it
     * before the token fires), the timer is stopped and the call counted as cancelled, once.
     */
    private CompletionStage<Object> answer(RequestContext ctx, String resource, List<?> items) {
        BackendQuery q = BackendQuery.from(ctx.request()); // a bad value is a 400 problem, before anything is counted
        long delay = (q.delay() != null ? q.delay() : defaultDelay).pick();
        double failRate = q.failRate() != null ? q.failRate() : defaultFailRate;
        boolean fail = failRate > 0 && ThreadLocalRandom.current().nextDouble() < failRate;
        counters.started(resource);
        CompletableFuture<Object> answer = new CompletableFuture<>();
        ScheduledFuture<?> timer = ctx.scheduler().schedule(() -> {
            if (fail) {
                counters.failed(resource);
                // a value, not a thrown HttpException: an injected failure is no server error to log
                answer.complete(Response.status(500).header(DELAY_HEADER, delay).problem(Problem.of(500,
                        "injected failure (failRate=" + failRate + ") after " + delay + " ms").withInstance(ctx.request().path())));
            } else {
                counters.completed(resource);
                answer.complete(Response.ok().header(DELAY_HEADER, delay).json(items));
            }
        }, delay, TimeUnit.MILLISECONDS);
        Consumer<CancellationReason> stop = reason -> {
            if (timer.cancel(false)) { // false once the timer ran (that call completed), or once stopped
                counters.cancelled(resource, reason);
            }
        };
        CancellationToken.Registration registration = ctx.cancellation().onCancel(stop);
        answer.whenComplete((v, e) -> {
            if (e == null) {
                registration.close(); // answered: the token no longer matters
            } else {
                // the server ended the stage: a timeout fails it before the token fires, so stop here too
                stop.accept(e instanceof RequestTimeoutException ? CancellationReason.TIMEOUT
                        : ctx.cancellation().reason().orElse(CancellationReason.CLIENT_DISCONNECT));
            }
        });
        return answer;
    }

    private Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("service", "Baton demo backend");
        d.put("endpoints", List.of("/api/products", "/api/widgets", "/api/gizmos", "/api/stats"));
        d.put("query", Map.of(
                "delay", Delay.EXPECTED + " (default " + defaultDelay + ")",
                "failRate", "the chance of a 500, from 0 to 1 (default " + defaultFailRate + ")"));
        return d;
    }
}
