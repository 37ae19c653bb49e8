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
    public final LongAdder asyncInSyncStage = new LongAdder();
    public final LongAdder blockedEventLoop = new LongAdder();
    /** Event loops late to a probe while making progress: load, not a blocked loop (not a safety-net report). */
    public final LongAdder busyEventLoop = new LongAdder();
    public final LongAdder fakeAsync = new LongAdder();
    public final LongAdder virtualThreadPinned = new LongAdder();
    public final AtomicLong webSocketSessions = new AtomicLong();
    public final LongAdder webSocketMessagesIn = new LongAdder();
    public final LongAdder webSocketMessagesOut = new LongAdder();
    private final Map<String, RouteMetrics> routes = new ConcurrentHashMap<>();

    public RouteMetrics route(String key) {
        RouteMetrics r = routes.get(key);
        return r != null ? r : routes.computeIfAbsent(key, k -> new RouteMetrics());
    }

    public ServerStats snapshot(long queued, int busy, int peak, int workerThreads) {
        Map<String, ServerStats.RouteStats> perRoute = new TreeMap<>();
        routes.forEach((k, r) -> perRoute.put(k, r.snapshot()));
        return new ServerStats(inFlight.get(), queued, completed.sum(), rejected.sum(), timedOut.sum(),
                lateCompletions.sum(), clientDisconnects.sum(), busy, peak, workerThreads, openConnections.get(),
                new ServerStats.SafetyNets(pendingAtCompletion.sum(), asyncInSyncStage.sum(), blockedEventLoop.sum(),
                        fakeAsync.sum(), virtualThreadPinned.sum()),
                Map.copyOf(perRoute),
                new ServerStats.WebSockets(webSocketSessions.get(), webSocketMessagesIn.sum(), webSocketMessagesOut.sum()));
    }

    /** Wall-time latency and thread-hold time of one route. */
    public static final class RouteMetrics {
        private final LatencyRecorder wall = new LatencyRecorder();
        private final LongAdder holdMicros = new LongAdder();

        public void record(long wallNanos, long holdNanos, boolean error) {
            wall.record(wallNanos, error);
            holdMicros.add(holdNanos / 1000);
        }

        /** How many of this route's requests have completed. */
        public long count() {
            return wall.count();
        }

        /** A thread held after the request was answered (a handler that overran its timeout): still this route's. */
        public void addHold(long holdNanos) {
            holdMicros.add(holdNanos / 1000);
        }

        ServerStats.RouteStats snapshot() {
            long n = wall.count();
            return new ServerStats.RouteStats(n, wall.errors(), wall.meanMillis(), wall.quantileMillis(0.5),
                    wall.quantileMillis(0.99), wall.maxMillis(), n == 0 ? 0 : holdMicros.sum() / 1000.0 / n);
        }
    }
}
