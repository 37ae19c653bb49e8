package dev.baton.demo.dashboard;

import java.util.List;
import java.util.Map;

/**
 * One second of the server's life, as the dashboard's event stream sends it (JSON). Rates are
 * over the second before the sample (null in the first sample); a latency is null in a second
 * without requests.
 *
 * @param feed                 names the feed: a restarted server's samples have another
 * @param seq                  the sample's number in the feed, from 1
 * @param time                 when it was taken, in epoch milliseconds
 * @param requestsPerSecond    responses written per second
 * @param meanMs               mean latency since start of {@code latencyRoute}
 * @param p50Ms                median latency since start of {@code latencyRoute}
 * @param p99Ms                99th percentile latency since start of {@code latencyRoute}: the three are of
 *                             the same requests, so that the mean never stands above a p99 of other ones
 * @param latencyRoute         the application's route that served the most requests since start (the
 *                             dashboard's own routes left out)
 * @param inFlight             requests admitted and not finished, the dashboard's own event streams left out
 * @param dashboardStreams     the dashboard's own event streams open (one per open page), left out of {@code inFlight}
 * @param queued               requests waiting for a worker
 * @param workersBusy          workers running a handler
 * @param workerThreads        the worker pool size
 * @param connections          open connections
 * @param jvmThreads           live JVM platform threads
 * @param heapUsedMb           heap in use, MiB
 * @param heapCommittedMb      heap committed, MiB
 * @param rejectedPerSecond    503s for overload per second
 * @param timeoutsPerSecond    requests answered by their timeout per second
 * @param disconnectsPerSecond requests abandoned by their client per second
 * @param safetyNetsPerSecond  safety-net reports per second, every kind
 * @param totals               the counters since start
 * @param safetyNets           safety-net reports since start, by kind
 * @param routes               every route, busiest first
 * @param client               the outbound client's numbers, or null
 * @param operations           the long-running operations' numbers, or null
 */
record Sample(String feed, long seq, long time, Double requestsPerSecond, Double meanMs, Double p50Ms, Double p99Ms,
              String latencyRoute, long inFlight, int dashboardStreams, long queued, int workersBusy, int workerThreads, long connections,
              int jvmThreads, double heapUsedMb, double heapCommittedMb, Double rejectedPerSecond,
              Double timeoutsPerSecond, Double disconnectsPerSecond, Double safetyNetsPerSecond, Totals totals, Map<String, Long> safetyNets,
              List<RouteSample> routes, ClientSample client, OperationsSample operations) {

    /** Counters since start. */
    record Totals(long completed, long rejected, long timedOut, long clientDisconnects, long lateCompletions,
                  long safetyNets) {
    }

    /**
     * One route.
     *
     * @param threadHoldRatio       thread-hold time over wall time since start
     * @param windowThreadHoldRatio the same over the last second, or null without requests in it
     * @param windowMeanMs          mean latency over the last second, or null without requests in it
     * @param own                   one of the dashboard's own routes (page, stream, assets, scrape)
     */
    record RouteSample(String route, String method, String pattern, long count, double requestsPerSecond, long errors,
                       double meanMs, Double windowMeanMs, double p50Ms, double p99Ms, double maxMs,
                       double threadHoldRatio, Double windowThreadHoldRatio, boolean own) {
    }

    /** The outbound client. */
    record ClientSample(long calls, double callsPerSecond, long retries, long failures, long timeouts, int openConnections,
                        int queued) {
    }

    /** Long-running operations on this node. */
    record OperationsSample(long created, long running, long queued, long succeeded, long failed, long canceled) {
    }
}
