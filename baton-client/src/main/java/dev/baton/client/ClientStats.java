package dev.baton.client;

import java.time.Duration;
import java.util.Map;

/**
 * A snapshot of a client's numbers, from {@link HttpClient#stats()}. Every attempt counts,
 * retries included.
 *
 * <pre>{@code ClientStats s = client.stats(); assert s.attempts() == s.calls() + s.retries();}</pre>
 *
 * @param calls              calls started
 * @param attempts           exchanges attempted (the first of each call and every retry)
 * @param retries            attempts that were retries
 * @param failures           calls that ended with an exception (not counting non-2xx statuses)
 * @param timeouts           attempts that ran out of time (their timeout, or the call's deadline)
 * @param cancelled          calls cancelled by the caller (a stage derived from the call included) or because their inbound request ended
 * @param connectionsOpened  connections opened since start
 * @param connectionsReused  attempts served by a pooled (kept-alive) connection
 * @param connectionWaitReports times a host was found with its calls waiting for a connection past
 *                           {@link ClientConfig#connectionWaitThreshold()} (at most once per host every 5 s; the
 *                           first time for each host is logged as a warning)
 * @param hosts              the pool of each host, by {@code host:port}
 */
public record ClientStats(long calls, long attempts, long retries, long failures, long timeouts, long cancelled,
                          long connectionsOpened, long connectionsReused, long connectionWaitReports,
                          Map<String, HostStats> hosts) {

    /**
     * One host's pool: what its connections do now, and what its calls did since start.
     * {@code open == idle + busy + connecting}.
     *
     * @param open       connections open or opening
     * @param idle       open connections waiting in the pool
     * @param busy       connections running an exchange (or handed to one)
     * @param connecting connections being opened (TCP connect, TLS handshake)
     * @param queued     requests waiting for a connection
     * @param peakOpen   the most connections open at once
     * @param limit      the connection limit (for an HTTP/2 host: the stream limit)
     * @param streams    HTTP/2 streams running (0 for an HTTP/1.1 host, whose busy connections run one exchange each)
     * @param attempts   attempts to this host, retries included
     * @param retries    attempts to this host that were retries
     * @param waits      the time calls spent in this host's queue, every connection being busy
     * @param recentWaitP99 the 99th percentile of the time this host's calls of the last 5 to 10 s waited for
     *                   a connection, a call that got one at once counting as no wait (within a factor of two,
     *                   never above the longest wait): what {@link ClientConfig#connectionWaitThreshold()} is held to
     */
    public record HostStats(int open, int idle, int busy, int connecting, int queued, int peakOpen, int limit, int streams,
                            long attempts, long retries, ConnectionWaits waits, Duration recentWaitP99) {
    }

    /**
     * The waits of calls that found every connection to a host busy, since the client started:
     * how often calls wait, and how long, shows whether the host's limit is too low for its
     * latency (a call that got a connection at once is no wait).
     *
     * @param count calls that waited (however the wait ended: a connection, a timeout, an abort)
     * @param total the time waited, in all
     * @param max   the longest wait
     * @param p99   the 99th percentile wait, within a factor of two (never above {@code max})
     */
    public record ConnectionWaits(long count, Duration total, Duration max, Duration p99) {
    }
}
