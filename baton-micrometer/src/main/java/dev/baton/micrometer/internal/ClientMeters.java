package dev.baton.micrometer.internal;

import dev.baton.client.ClientStats;
import dev.baton.client.HttpClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * An outbound client's meters, read from one {@link ClientStats} snapshot per scrape. Pools are
 * summed over hosts: hosts appear at run time, and a meter per host would have to be registered
 * while a scrape reads the others. The gauges hold this object strongly (see {@link ServerMeters}).
 */
public final class ClientMeters implements MeterBinder {
    private final Iterable<Tag> tags;
    private final CachedSnapshot<ClientStats> stats;

    public ClientMeters(HttpClient client, Iterable<Tag> tags, Duration maxAge) {
        this.tags = tags;
        this.stats = new CachedSnapshot<>(client::stats, maxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "baton.client.calls", "calls started", ClientStats::calls);
        counter(registry, "baton.client.attempts", "exchanges attempted: the first of each call and every retry",
                ClientStats::attempts);
        counter(registry, "baton.client.retries", "attempts that were retries", ClientStats::retries);
        counter(registry, "baton.client.failures", "calls that ended with an exception (not counting non-2xx statuses)",
                ClientStats::failures);
        counter(registry, "baton.client.timeouts", "attempts that ran out of time", ClientStats::timeouts);
        counter(registry, "baton.client.cancelled", "calls cancelled by the caller or because their inbound request ended",
                ClientStats::cancelled);
        counter(registry, "baton.client.connections.opened", "connections opened", ClientStats::connectionsOpened);
        counter(registry, "baton.client.connections.reused", "attempts served by a pooled (kept-alive) connection",
                ClientStats::connectionsReused);
        pools(registry, "baton.client.connections.open", "connections open or opening, over every host",
                ClientStats.HostStats::open);
        pools(registry, "baton.client.connections.idle", "open connections waiting in the pools", ClientStats.HostStats::idle);
        pools(registry, "baton.client.queued", "calls waiting for a connection, over every host", ClientStats.HostStats::queued);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<ClientStats> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.stats.get()))
                .description(description).tags(tags).register(registry);
    }

    private void pools(MeterRegistry registry, String name, String description, ToIntFunction<ClientStats.HostStats> value) {
        Gauge.builder(name, this, m -> m.stats.get().hosts().values().stream().mapToInt(value).sum())
                .description(description).tags(tags).strongReference(true).register(registry);
    }
}
