package dev.baton.client.internal;

import dev.baton.client.ClientStats;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The client's counters. */
public final class ClientMetrics {
    public final LongAdder calls = new LongAdder();
    public final LongAdder attempts = new LongAdder();
    public final LongAdder retries = new LongAdder();
    public final LongAdder failures = new LongAdder();
    public final LongAdder timeouts = new LongAdder();
    public final LongAdder cancelled = new LongAdder();
    public final LongAdder connectionsOpened = new LongAdder();
    public final LongAdder connectionsReused = new LongAdder();
    public final LongAdder connectionWaitReports = new LongAdder();

    public ClientStats snapshot(Map<String, ClientStats.HostStats> hosts) {
        return new ClientStats(calls.sum(), attempts.sum(), retries.sum(), failures.sum(), timeouts.sum(), cancelled.sum(),
                connectionsOpened.sum(), connectionsReused.sum(), connectionWaitReports.sum(), hosts);
    }
}
