package dev.baton;

import java.util.Map;

/**
 * A snapshot of the server's numbers, from {@link Server#stats()}.
 *
 * <pre>{@code ServerStats s = server.stats(); assert s.workersBusyPeak() <= 2;}</pre>
 *
 * @param inFlight          requests admitted and not yet finished
 * @param queued            requests waiting for a worker thread
 * @param completed         requests whose response was written
 * @param rejected          requests answered 503 for overload (queue full or in-flight cap)
 * @param timedOut          requests answered by the async timeout
 * @param lateCompletions   handler results that arrived after the response was already sent, dropped
 * @param clientDisconnects requests abandoned because the client left
 * @param workersBusy       worker threads running a handler now
 * @param workersBusyPeak   the most worker threads busy at once since start
 * @param workerThreads     the worker pool size
 * @param openConnections   open client connections
 * @param safetyNets        what the async safety nets caught
 * @param routes            per route ({@code "GET /gizmos/{id}"}): latency, and thread-hold time against wall time
 * @param webSockets        open WebSocket sessions and the messages they carried
 */
public record ServerStats(
        long inFlight,
        long queued,
        long completed,
        long rejected,
        long timedOut,
        long lateCompletions,
        long clientDisconnects,
        int workersBusy,
        int workersBusyPeak,
        int workerThreads,
        long openConnections,
        SafetyNets safetyNets,
        Map<String, RouteStats> routes,
        WebSockets webSockets) {

    /** A snapshot without WebSocket numbers (all zero). */
    public ServerStats(long inFlight, long queued, long completed, long rejected, long timedOut, long lateCompletions,
                       long clientDisconnects, int workersBusy, int workersBusyPeak, int workerThreads, long openConnections,
                       SafetyNets safetyNets, Map<String, RouteStats> routes) {
        this(inFlight, queued, completed, rejected, timedOut, lateCompletions, clientDisconnects, workersBusy, workersBusyPeak,
                workerThreads, openConnections, safetyNets, routes, new WebSockets(0, 0, 0));
    }

    /**
     * WebSocket sessions.
     *
     * @param openSessions sessions open now (from the 101 until the connection closed)
     * @param messagesIn   whole messages received (fragments joined), all sessions
     * @param messagesOut  messages written, all sessions
     */
    public record WebSockets(long openSessions, long messagesIn, long messagesOut) {
    }

    /**
     * Latency of one route, from the request's arrival to its response being handed to the
     * connection, and the time a thread was held for it. A truly async route has a thread-hold
     * time far below its wall time.
     */
    public record RouteStats(long count, long errors, double meanMillis, double p50Millis, double p99Millis,
                             double maxMillis, double meanThreadHoldMillis) {

        /** Thread-hold time over wall time: near 1 for a route that holds a thread while it waits. */
        public double threadHoldRatio() {
            return meanMillis == 0 ? 0 : Math.min(1, meanThreadHoldMillis / meanMillis);
        }
    }

    /**
     * Counts of what the safety nets reported.
     *
     * @param pendingAtCompletion responses that completed while async work they started was still pending
     * @param asyncInSyncStage    sync handlers that returned while async work they started was pending
     * @param blockedEventLoop    times an event loop was held past the threshold
     * @param fakeAsync           async handlers that held their thread past the threshold before returning their stage
     * @param virtualThreadPinned virtual threads that blocked while pinned to their carrier (JFR), on VIRTUAL routes
     */
    public record SafetyNets(long pendingAtCompletion, long asyncInSyncStage, long blockedEventLoop, long fakeAsync,
                             long virtualThreadPinned) {
    }
}
