package dev.baton.micrometer.internal;

import dev.baton.client.ClientStats;
import dev.baton.client.HttpClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * An outbound client's meters, read from one {@link ClientStats} snapshot per scrape. Pools are
 * summed over hosts, but for the time calls waited for a connection, which is only worth
 * something per host (it says which host's limit sets the pace): those meters are registered
 * for a host when a snapshot first shows it, so from the scrape after its first call on (a
 * client calls a handful of hosts, so the tag stays bounded). The gauges hold this object
 * strongly (see {@link ServerMeters}).
 */
public final class ClientMeters implements MeterBinder {
    private static final ClientStats.HostStats NO_HOST = new ClientStats.HostStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            new ClientStats.ConnectionWaits(0, Duration.ZERO, Duration.ZERO, Duration.ZERO), Duration.ZERO);

    private final Iterable<Tag> tags;
    private final CachedSnapshot<ClientStats> stats;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Set<String> hostsMetered = ConcurrentHashMap.newKeySet();

    public ClientMeters(HttpClient client, Iterable<Tag> tags, Duration maxAge) {
        this.tags = tags;
        this.stats = new CachedSnapshot<>(() -> meterNewHosts(client.stats()), maxAge);
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
        counter(registry, "baton.client.connection.wait.reports",
                "times a host's recent calls waited past connectionWaitThreshold for a connection (its limit sets their pace)",
                ClientStats::connectionWaitReports);
        pools(registry, "baton.client.connections.open", "connections open or opening, over every host",
                ClientStats.HostStats::open);
        pools(registry, "baton.client.connections.idle", "open connections waiting in the pools", ClientStats.HostStats::idle);
        pools(registry, "baton.client.queued", "calls waiting for a connection, over every host", ClientStats.HostStats::queued);
        pools(registry, "baton.client.streams", "HTTP/2 streams running, over every host", ClientStats.HostStats::streams);
        registries.add(registry);
        hostsMetered.clear(); // the hosts known now get their meters in this registry too
        meterNewHosts(stats.get());
    }

    /** Registers the wait meters of each host {@code s} shows for the first time; returns {@code s}. */
    private ClientStats meterNewHosts(ClientStats s) {
        for (String host : s.hosts().keySet()) {
            if (hostsMetered.add(host)) {
                registries.forEach(r -> hostMeters(r, host));
            }
        }
        return s;
    }

    private void hostMeters(MeterRegistry registry, String host) {
        Tags tagged = Tags.of(tags).and("host", host);
        Function<ClientMeters, ClientStats.HostStats> of = m -> m.stats.get().hosts().getOrDefault(host, NO_HOST);
        FunctionTimer.builder("baton.client.connection.wait", this,
                        m -> of.apply(m).waits().count(),
                        m -> of.apply(m).waits().total().toNanos(), TimeUnit.NANOSECONDS)
                .description("calls that found every connection to the host busy, and the time they waited for one")
                .tags(tagged).register(registry);
        TimeGauge.builder("baton.client.connection.wait.max", this, TimeUnit.NANOSECONDS,
                        m -> of.apply(m).waits().max().toNanos())
                .description("the longest wait for a connection to the host since the client started")
                .tags(tagged).strongReference(true).register(registry);
        TimeGauge.builder("baton.client.connection.wait.recent", this, TimeUnit.NANOSECONDS,
                        m -> of.apply(m).recentWaitP99().toNanos())
                .description("the 99th percentile wait for a connection of the host's calls of the last 5 to 10 s "
                        + "(a call served at once waited 0): what connectionWaitThreshold is held to")
                .tags(tagged.and("phi", "0.99")).strongReference(true).register(registry);
        Gauge.builder("baton.client.connections.limit", this, m -> of.apply(m).limit())
                .description("the host's connection limit").tags(tagged).strongReference(true).register(registry);
        Gauge.builder("baton.client.connections.busy", this, m -> of.apply(m).busy())
                .description("the host's connections running an exchange").tags(tagged).strongReference(true)
                .register(registry);
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
