package dev.baton.demo.dashboard;

import dev.baton.Server;
import dev.baton.ServerStats;
import dev.baton.ServerStats.RouteStats;
import dev.baton.client.ClientStats;
import dev.baton.client.HttpClient;
import dev.baton.operations.Operations;
import dev.baton.operations.OperationsStats;
import dev.baton.routing.Route;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Turns the stats snapshots into {@link Sample}s: rates and windowed means from the difference
 * with the previous snapshot. One thread calls {@link #next()} at a time (the feed's ticker).
 */
final class Sampler {
    private static final double MIB = 1024 * 1024;

    private final Supplier<Server> server;
    private final Supplier<HttpClient> client;
    private final Operations operations;
    private final BiPredicate<String, String> ownRoute;
    private final String feed = Long.toString(System.currentTimeMillis(), 36);
    // fetched once, here: the first call to ManagementFactory loads a good deal
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long seq;
    private long lastNanos;
    private ServerStats last;
    private ClientStats lastClient;

    /** {@code ownRoute}: given a method and a pattern, true for a route left out of the application's latency. */
    Sampler(Supplier<Server> server, Supplier<HttpClient> client, Operations operations,
            BiPredicate<String, String> ownRoute) {
        this.server = server;
        this.client = client;
        this.operations = operations;
        this.ownRoute = ownRoute;
    }

    /** Names this feed: its event ids are {@code feed-seq}. */
    String feed() {
        return feed;
    }

    /**
     * {@code ownStreams}: the dashboard's event streams open now. Each is a request in flight for as
     * long as its page is open, so they are left out of the in-flight figure, as the dashboard's
     * routes are left out of the latency: a dashboard must not show itself.
     */
    Sample next(int ownStreams) {
        long now = System.nanoTime();
        Server srv = server.get();
        ServerStats s = srv.stats();
        ServerStats prev = last != null ? last : s;
        double seconds = last != null ? Math.max(1e-3, (now - lastNanos) / 1e9) : 1;

        List<Sample.RouteSample> routes = new ArrayList<>();
        for (Route route : srv.routes()) {
            String key = route.toString();
            RouteStats r = s.routes().get(key);
            if (r == null) {
                continue;
            }
            RouteStats p = prev.routes().getOrDefault(key, r);
            long n = r.count() - p.count();
            double wall = r.count() * r.meanMillis() - p.count() * p.meanMillis();
            double hold = r.count() * r.meanThreadHoldMillis() - p.count() * p.meanThreadHoldMillis();
            boolean own = ownRoute.test(route.method(), route.pattern());
            routes.add(new Sample.RouteSample(key, route.method(), route.pattern(), r.count(), n / seconds, r.errors(),
                    r.meanMillis(), n > 0 ? wall / n : null, r.p50Millis(), r.p99Millis(), r.maxMillis(),
                    r.threadHoldRatio(), n > 0 && wall > 0 ? Math.min(1, hold / wall) : null, own));
        }
        routes.sort(Comparator.comparingDouble(Sample.RouteSample::requestsPerSecond)
                .thenComparingLong(Sample.RouteSample::count).reversed());
        // the busiest since start: a chart of one route's mean, p50 and p99, all three of the same requests
        // (a mean of every route's would stand above the p99 of a fast busy one), and not of whichever led that second
        Sample.RouteSample busiest = routes.stream().filter(r -> !r.own() && r.count() > 0)
                .max(Comparator.comparingLong(Sample.RouteSample::count)).orElse(null);

        ServerStats.SafetyNets nets = s.safetyNets();
        Map<String, Long> byKind = new LinkedHashMap<>();
        byKind.put("pendingAtCompletion", nets.pendingAtCompletion());
        byKind.put("asyncInSyncStage", nets.asyncInSyncStage());
        byKind.put("blockedEventLoop", nets.blockedEventLoop());
        byKind.put("fakeAsync", nets.fakeAsync());
        byKind.put("virtualThreadPinned", nets.virtualThreadPinned());
        long netsTotal = total(nets);

        MemoryUsage heap = memory.getHeapMemoryUsage();
        Sample sample = new Sample(feed, ++seq, System.currentTimeMillis(),
                rate(s.completed(), prev.completed(), seconds),
                busiest == null ? null : busiest.meanMs(),
                busiest == null ? null : busiest.p50Ms(), busiest == null ? null : busiest.p99Ms(),
                busiest == null ? null : busiest.route(),
                Math.max(0, s.inFlight() - ownStreams), ownStreams, s.queued(), s.workersBusy(), s.workerThreads(), s.openConnections(),
                threads.getThreadCount(),
                heap.getUsed() / MIB, heap.getCommitted() / MIB,
                rate(s.rejected(), prev.rejected(), seconds),
                rate(s.timedOut(), prev.timedOut(), seconds),
                rate(s.clientDisconnects(), prev.clientDisconnects(), seconds),
                rate(netsTotal, total(prev.safetyNets()), seconds),
                new Sample.Totals(s.completed(), s.rejected(), s.timedOut(), s.clientDisconnects(), s.lateCompletions(),
                        netsTotal),
                byKind, routes, client(seconds), operations());
        last = s;
        lastNanos = now;
        return sample;
    }

    /** Per second since the last sample; null for the first, which has nothing to compare with. */
    private Double rate(long now, long before, double seconds) {
        return last == null ? null : (now - before) / seconds;
    }

    private Sample.ClientSample client(double seconds) {
        HttpClient c = client == null ? null : client.get();
        if (c == null) {
            return null;
        }
        ClientStats s = c.stats();
        ClientStats prev = lastClient != null ? lastClient : s;
        lastClient = s;
        int open = 0;
        int queued = 0;
        for (ClientStats.HostStats h : s.hosts().values()) {
            open += h.open();
            queued += h.queued();
        }
        return new Sample.ClientSample(s.calls(), (s.calls() - prev.calls()) / seconds, s.retries(), s.failures(),
                s.timeouts(), open, queued);
    }

    private Sample.OperationsSample operations() {
        if (operations == null) {
            return null;
        }
        OperationsStats s;
        try {
            s = operations.stats();
        } catch (IllegalStateException notOnThisServer) {
            return null;
        }
        return new Sample.OperationsSample(s.created(), s.running(), s.queued(), s.succeeded(), s.failed(), s.canceled());
    }

    private static long total(ServerStats.SafetyNets n) {
        return n.pendingAtCompletion() + n.asyncInSyncStage() + n.blockedEventLoop() + n.fakeAsync() + n.virtualThreadPinned();
    }
}
