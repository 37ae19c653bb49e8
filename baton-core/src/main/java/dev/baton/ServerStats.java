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
 * @param pendingAtCompletion responses that completed while async work of theirs was still pending (cancelled)
 * @param workersBusy       worker threads running a handler now
 * @param workersBusyPeak   the most worker threads busy at once since start
 * @param workerThreads     the worker pool size
 * @param openConnections   open client connections
 * @param routes            latency per route ({@code "GET /gizmos/{id}"})
 */
public record ServerStats(
        long inFlight,
        long queued,
        long completed,
        long rejected,
        long timedOut,
        long lateCompletions,
        long clientDisconnects,
        long pendingAtCompletion,
        int workersBusy,
        int workersBusyPeak,
        int workerThreads,
        long openConnections,
        Map<String, RouteStats> routes) {

    /**
     * Latency of one route, measured from the request's arrival to its response being handed to
     * the connection.
     */
    public record RouteStats(long count, long errors, double meanMillis, double p50Millis, double p99Millis, double maxMillis) {
    }
}
