package dev.baton.internal.metrics;

import dev.baton.ServerStats;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters. Written from any thread; read as a {@link ServerStats} snapshot. */
public final class ServerMetrics {
    public final AtomicLong inFlight = new AtomicLong();
    public final AtomicLong openConnections = new AtomicLong();
    public final LongAdder completed = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder timedOut = new LongAdder();
    public final LongAdder lateCompletions = new LongAdder();
    public final LongAdder clientDisconnects = new LongAdder();
    public final LongAdder pendingAtCompletion = new LongAdder();
    private final Map<String, LatencyRecorder> routes = new ConcurrentHashMap<>();

    public LatencyRecorder route(String key) {
        return routes.computeIfAbsent(key, k -> new LatencyRecorder());
    }

    public ServerStats snapshot(long queued, int busy, int peak, int workerThreads) {
        Map<String, ServerStats.RouteStats> perRoute = new TreeMap<>();
        routes.forEach((k, r) -> perRoute.put(k, new ServerStats.RouteStats(r.count(), r.errors(), r.meanMillis(),
                r.quantileMillis(0.5), r.quantileMillis(0.99), r.maxMillis())));
        return new ServerStats(inFlight.get(), queued, completed.sum(), rejected.sum(), timedOut.sum(),
                lateCompletions.sum(), clientDisconnects.sum(), pendingAtCompletion.sum(), busy, peak, workerThreads, openConnections.get(),
                Map.copyOf(perRoute));
    }
}
