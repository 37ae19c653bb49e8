package dev.baton.demo.dashboard;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.client.HttpClient;
import dev.baton.http.EventStream;
import dev.baton.http.Response;
import dev.baton.operations.Operations;
import dev.baton.routing.Routing;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A live dashboard for a Baton server, in four routes:
 *
 * <ul>
 * <li>{@code GET /dashboard}: the page, charts drawn by uPlot from the event stream;
 * <li>{@code GET /dashboard/events}: Server-Sent Events, one JSON {@link Sample} a second;
 * <li>{@code GET /metrics}: every meter of {@link dev.baton.micrometer.BatonMetrics} and the JVM's, for Prometheus;
 * <li>{@code GET /webjars/uplot/{version}/dist/{file}}: uPlot's script and style sheet, from its webjar.
 * </ul>
 *
 * <pre>{@code Server[] self = new Server[1];
 * self[0] = Server.builder().routing(r -> Dashboard.install(r, () -> self[0], null, null)).build().start();}</pre>
 *
 * <p>The page, its stream and its assets run on the event loop and the scrape on a virtual
 * thread: none waits for a worker, so all keep answering while an overload fills the pool and
 * its queue, which is when they are wanted.
 */
public final class Dashboard {
    private Dashboard() {
    }

    /**
     * Registers the dashboard's routes.
     *
     * @param routing where to add them
     * @param server  the server, once built: the routes call it only when asked
     * @param client  the outbound client to show, or null (as may be what it supplies)
     * @param ops     the long-running operations to show, or null
     */
    public static void install(Routing routing, Supplier<Server> server, Supplier<HttpClient> client, Operations ops) {
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(server, "server");
        // what is slow the first time (class loading, the JVM's management beans, reading the
        // webjar) happens here, not on the event loop that serves the first page or sample
        UplotAssets uplot = UplotAssets.fromClasspath().preload("uPlot.iife.min.js", "uPlot.min.css");
        DashboardPage.load();
        Sampler sampler = new Sampler(server, client, ops, Dashboard::isOwnRoute);
        LiveFeed feed = new LiveFeed(server, sampler);
        // the page's own request and the open pages' streams are in flight too: left out of what it shows (+ 1)
        routing.get("/dashboard", ctx -> Response.ok().header("Cache-Control", "no-store")
                        .html(DashboardPage.render(uplot, server.get().stats(), feed.openStreams() + 1, ctx.request().path())))
                .execution(ExecutionModel.EVENT_LOOP);
        routing.get("/dashboard/events", ctx -> {
            String lastEventId = ctx.request().headers().first("Last-Event-ID").orElse(null);
            return EventStream.of(emitter -> feed.subscribe(emitter, lastEventId));
        }).execution(ExecutionModel.EVENT_LOOP);
        routing.get("/metrics", new ScrapeRoute(server, client, ops)).execution(ExecutionModel.VIRTUAL);
        routing.get(UplotAssets.ROUTE, ctx -> uplot.serve(ctx.request().path("version").asString(),
                ctx.request().path("file").asString())).execution(ExecutionModel.EVENT_LOOP);
    }

    /** The dashboard's own routes (under any group prefix), left out of the application's latency. */
    static boolean isOwnRoute(String method, String pattern) {
        return method.equals("GET") && (pattern.endsWith("/dashboard") || pattern.endsWith("/dashboard/events")
                || pattern.endsWith("/metrics") || pattern.endsWith(UplotAssets.ROUTE));
    }
}
