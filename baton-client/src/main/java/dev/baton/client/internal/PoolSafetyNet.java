package dev.baton.client.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a host whose calls keep waiting for a connection: its limit, not the host, sets
 * their pace. Counted every time it is found (at most once per host per slice of
 * {@link RecentWaits}), logged once per host with what to do, as the server's safety nets
 * report. Looked at only when a wait ends, so a host whose calls never wait costs nothing.
 */
final class PoolSafetyNet {
    private static final Logger log = LoggerFactory.getLogger(PoolSafetyNet.class);
    /**
     * Waits past the threshold a window must hold before anything is said, however few the
     * calls: one burst at startup (a dozen calls at once, a cold backend) is not a capped host.
     */
    static final int MIN_WAITS_OVER = 10;

    private final long thresholdNanos;
    private final ClientMetrics metrics;
    private final Set<HostKey> reported = ConcurrentHashMap.newKeySet();

    PoolSafetyNet(long thresholdNanos, ClientMetrics metrics) {
        this.thresholdNanos = thresholdNanos;
        this.metrics = metrics;
    }

    long thresholdNanos() {
        return thresholdNanos;
    }

    /**
     * After a wait for one of {@code key}'s connections ended: reports the host when the 99th
     * percentile wait of its recent calls is past the threshold. {@code flagged} holds the
     * start of the last slice it was counted in.
     */
    void check(HostKey key, int limit, RecentWaits recent, AtomicLong flagged, long now) {
        if (thresholdNanos <= 0 || recent.overThreshold(now) < MIN_WAITS_OVER) {
            return;
        }
        RecentWaits.Window w = recent.window(now);
        if (!w.p99OverThreshold()) {
            return;
        }
        long slice = recent.sliceStart(now);
        long last = flagged.get();
        if (last == slice || !flagged.compareAndSet(last, slice)) {
            return;
        }
        metrics.connectionWaitReports.increment();
        if (reported.add(key)) {
            log.warn(message(key.toString(), limit, w, thresholdNanos));
        }
    }

    static String message(String host, int limit, RecentWaits.Window w, long thresholdNanos) {
        return "calls to " + host + " waited p99 " + millis(w.p99Nanos()) + " ms for a connection (limit " + limit
                + " per host, all busy; longest wait " + millis(w.maxNanos()) + " ms; " + w.overThreshold() + " of "
                + w.calls() + " calls in the last 10 s waited longer than connectionWaitThreshold, "
                + millis(thresholdNanos) + " ms). At most " + limit + (limit == 1 ? " call" : " calls") + " to " + host
                + " run at once, so calls "
                + "queue as soon as they come faster than " + limit + " per response time. If " + host + " has capacity "
                + "to spare, raise its limit (perHost(\"" + host + "\", n) in code, client.perHost." + host
                + ": n in baton.yaml, or BATON_CLIENT_PER_HOST=" + host + "=n); if it is slow or overloaded, the limit "
                + "protects it: make fewer or cheaper calls, or give them shorter deadlines. Logged once per host; "
                + "ClientStats.connectionWaitReports() counts each time it is found again.";
    }

    private static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }
}
