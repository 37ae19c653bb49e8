package dev.baton.micrometer;

import dev.baton.Server;
import dev.baton.client.HttpClient;
import dev.baton.micrometer.internal.ClientMeters;
import dev.baton.micrometer.internal.OperationsMeters;
import dev.baton.micrometer.internal.ServerMeters;
import dev.baton.operations.Operations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;

/**
 * A Baton server's numbers as Micrometer meters, and optionally those of its outbound
 * {@link HttpClient} and of its long-running {@link Operations}. Every meter reads the stats
 * snapshots lazily, when a registry asks: one snapshot per source serves all the meters of a
 * scrape (for 100 ms). Immutable: each method returns
 * a new binder.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * Server server = Server.builder()
 *     .routing(r -> r.get("/metrics", PrometheusRoute.of(registry)))
 *     .build();
 * BatonMetrics.of(server).client(client).bindTo(registry);
 * server.start();
 * }</pre>
 *
 * <p>The client and operations modules are optional dependencies of this one: an application
 * that has neither never loads them.
 */
public final class BatonMetrics implements MeterBinder {
    /** How long one stats snapshot serves the meters that read it. */
    static final long SNAPSHOT_MAX_AGE_MILLIS = 100;
    private static final Duration SNAPSHOT_MAX_AGE = Duration.ofMillis(SNAPSHOT_MAX_AGE_MILLIS);

    private final Server server;
    private final HttpClient client;
    private final Operations operations;
    private final Tags tags;

    private BatonMetrics(Server server, HttpClient client, Operations operations, Tags tags) {
        this.server = server;
        this.client = client;
        this.operations = operations;
        this.tags = tags;
    }

    /** The meters of a built server (started or not): its routes are known from then on. */
    public static BatonMetrics of(Server server) {
        return new BatonMetrics(Objects.requireNonNull(server, "server"), null, null, Tags.empty());
    }

    /** Adds the meters of an outbound client ({@code baton.client.*}). */
    public BatonMetrics client(HttpClient value) {
        return new BatonMetrics(server, Objects.requireNonNull(value, "client"), operations, tags);
    }

    /** Adds the meters of the operations feature on this node ({@code baton.operations.*}). */
    public BatonMetrics operations(Operations value) {
        return new BatonMetrics(server, client, Objects.requireNonNull(value, "operations"), tags);
    }

    /** Tags added to every meter, to tell two servers of one process apart ({@code Tags.of("server", "admin")}). */
    public BatonMetrics tags(Iterable<Tag> more) {
        return new BatonMetrics(server, client, operations, tags.and(more));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        new ServerMeters(server, tags, SNAPSHOT_MAX_AGE).bindTo(registry);
        if (client != null) {
            new ClientMeters(client, tags, SNAPSHOT_MAX_AGE).bindTo(registry);
        }
        if (operations != null) {
            new OperationsMeters(operations, tags, SNAPSHOT_MAX_AGE).bindTo(registry);
        }
    }
}
