package dev.baton.client;

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
 * @param timeouts           attempts that ran out of time
 * @param cancelled          calls cancelled by the caller or because their inbound request ended
 * @param connectionsOpened  connections opened since start
 * @param connectionsReused  attempts served by a pooled (kept-alive) connection
 * @param hosts              the pool of each host, by {@code host:port}
 */
public record ClientStats(long calls, long attempts, long retries, long failures, long timeouts, long cancelled,
                          long connectionsOpened, long connectionsReused, Map<String, HostStats> hosts) {

    /**
     * One host's pool.
     *
     * @param open     connections open or opening
     * @param idle     open connections waiting in the pool
     * @param queued   requests waiting for a connection
     * @param peakOpen the most connections open at once
     * @param limit    the connection limit
     */
    public record HostStats(int open, int idle, int queued, int peakOpen, int limit) {
    }
}
