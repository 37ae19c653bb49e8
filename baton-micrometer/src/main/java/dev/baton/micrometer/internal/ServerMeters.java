package dev.baton.micrometer.internal;

import dev.baton.Server;
import dev.baton.ServerStats;
import dev.baton.ServerStats.RouteStats;
import dev.baton.routing.Route;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The server's meters, read from one {@link ServerStats} snapshot per scrape. Routes are fixed
 * once a server is built, so each gets its meters at bind time.
 *
 * <p>Function counters and timers hold their state object weakly; the gauges hold it strongly
 * ({@code strongReference}), which keeps this object, and so every meter of it, alive as long as
 * the registry is.
 */
public final class ServerMeters implements MeterBinder {
    /** Micrometer's base unit of time (Prometheus names such meters {@code ..._seconds}). */
    private static final String SECONDS = "seconds";
    private static final RouteStats NO_ROUTE = new RouteStats(0, 0, 0, 0, 0, 0, 0);

    private final Server server;
    private final Iterable<Tag> tags;
    private final CachedSnapshot<ServerStats> stats;

    public ServerMeters(Server server, Iterable<Tag> tags, Duration maxAge) {
        this.server = server;
        this.tags = tags;
        this.stats = new CachedSnapshot<>(server::stats, maxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "baton.server.requests.completed", "requests whose response was written, timed-out ones included",
                ServerStats::completed);
        counter(registry, "baton.server.requests.rejected", "requests answered 503 for overload (queue full or in-flight cap)",
                ServerStats::rejected);
        counter(registry, "baton.server.requests.timed.out", "requests answered by the async timeout", ServerStats::timedOut);
        counter(registry, "baton.server.requests.client.disconnects", "requests abandoned because the client left",
                ServerStats::clientDisconnects);
        counter(registry, "baton.server.requests.late.completions",
                "handler results that arrived after the response was sent, dropped", ServerStats::lateCompletions);

        gauge(registry, "baton.server.in.flight", "requests admitted and not yet finished", s -> s.inFlight());
        gauge(registry, "baton.server.queued", "requests waiting for a worker thread", s -> s.queued());
        gauge(registry, "baton.server.workers.busy", "worker threads running a handler now", s -> s.workersBusy());
        gauge(registry, "baton.server.workers.busy.peak", "the most worker threads busy at once since start",
                s -> s.workersBusyPeak());
        gauge(registry, "baton.server.workers.max", "the worker pool size", s -> s.workerThreads());
        gauge(registry, "baton.server.connections", "open client connections", s -> s.openConnections());
        gauge(registry, "baton.server.websocket.sessions", "open WebSocket sessions", s -> s.webSockets().openSessions());
        counter(registry, "baton.server.websocket.messages.in", "WebSocket messages received, fragments joined",
                s -> s.webSockets().messagesIn());
        counter(registry, "baton.server.websocket.messages.out", "WebSocket messages written",
                s -> s.webSockets().messagesOut());

        safetyNet(registry, "pending_at_completion", n -> n.pendingAtCompletion());
        safetyNet(registry, "async_in_sync_stage", n -> n.asyncInSyncStage());
        safetyNet(registry, "blocked_event_loop", n -> n.blockedEventLoop());
        safetyNet(registry, "fake_async", n -> n.fakeAsync());
        safetyNet(registry, "virtual_thread_pinned", n -> n.virtualThreadPinned());

        for (Route route : server.routes()) {
            bindRoute(registry, route);
        }
    }

    private void bindRoute(MeterRegistry registry, Route route) {
        String key = route.toString();
        Tags routeTags = Tags.concat(tags, "method", route.method(), "route", route.pattern());
        ToDoubleFunction<ServerMeters> total = m -> {
            RouteStats r = m.route(key);
            return r.count() * r.meanMillis();
        };
        FunctionTimer.builder("baton.server.route.requests", this, m -> m.route(key).count(), total, TimeUnit.MILLISECONDS)
                .description("requests of the route and their time from arrival to response")
                .tags(routeTags).register(registry);
        FunctionCounter.builder("baton.server.route.errors", this, m -> m.route(key).errors())
                .description("requests of the route that ended in an error")
                .tags(routeTags).register(registry);
        FunctionCounter.builder("baton.server.route.thread.hold", this, m -> {
                    RouteStats r = m.route(key);
                    return r.count() * r.meanThreadHoldMillis() / 1000;
                })
                .description("time a thread was held for the route's requests; over baton.server.route.requests' "
                        + "total time, the share of their wall time that held a thread")
                .baseUnit(SECONDS).tags(routeTags).register(registry);
        latency(registry, "baton.server.route.latency", key, routeTags.and("phi", "0.5"),
                "median latency of the route since start", r -> r.p50Millis());
        latency(registry, "baton.server.route.latency", key, routeTags.and("phi", "0.99"),
                "99th percentile latency of the route since start", r -> r.p99Millis());
        latency(registry, "baton.server.route.latency.max", key, routeTags, "the route's longest latency since start",
                r -> r.maxMillis());
        Gauge.builder("baton.server.route.thread.hold.ratio", this, m -> m.route(key).threadHoldRatio())
                .description("thread-hold time over wall time since start: near 1 for a route that holds a thread while it waits")
                .tags(routeTags).strongReference(true).register(registry);
    }

    private void latency(MeterRegistry registry, String name, String key, Tags routeTags, String description,
                         ToDoubleFunction<RouteStats> millis) {
        Gauge.builder(name, this, m -> millis.applyAsDouble(m.route(key)) / 1000)
                .description(description).baseUnit(SECONDS).tags(routeTags).strongReference(true)
                .register(registry);
    }

    private RouteStats route(String key) {
        RouteStats r = stats.get().routes().get(key);
        return r != null ? r : NO_ROUTE;
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<ServerStats> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.stats.get()))
                .description(description).tags(tags).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<ServerStats> value) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.stats.get()))
                .description(description).tags(tags).strongReference(true).register(registry);
    }

    private void safetyNet(MeterRegistry registry, String kind, ToDoubleFunction<ServerStats.SafetyNets> value) {
        FunctionCounter.builder("baton.server.safety.nets", this, m -> value.applyAsDouble(m.stats.get().safetyNets()))
                .description("reports of the async safety nets, by kind")
                .tags(tags).tag("kind", kind).register(registry);
    }
}
