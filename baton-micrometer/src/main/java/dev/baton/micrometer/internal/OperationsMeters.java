package dev.baton.micrometer.internal;

import dev.baton.operations.Operations;
import dev.baton.operations.OperationsStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.function.ToDoubleFunction;

/**
 * The operations module's meters on this node, read from one {@link OperationsStats} snapshot
 * per scrape. Before the feature is set up on a server there is nothing to count: zeros. The
 * gauges hold this object strongly (see {@link ServerMeters}).
 */
public final class OperationsMeters implements MeterBinder {
    /** Micrometer's base unit of time (Prometheus names such meters {@code ..._seconds}). */
    private static final String SECONDS = "seconds";
    private static final OperationsStats NOTHING_YET = new OperationsStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private final Iterable<Tag> tags;
    private final CachedSnapshot<OperationsStats> stats;

    public OperationsMeters(Operations operations, Iterable<Tag> tags, Duration maxAge) {
        this.tags = tags;
        this.stats = new CachedSnapshot<>(() -> {
            try {
                return operations.stats();
            } catch (IllegalStateException notOnAServerYet) {
                return NOTHING_YET;
            }
        }, maxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "baton.operations.accepted", Tags.of(tags),
                "operations created here (idempotent replays not counted); not .created, a suffix OpenMetrics reserves",
                OperationsStats::created);
        String ended = "operations that ended, by status";
        counter(registry, "baton.operations.ended", Tags.of(tags).and("status", "succeeded"), ended, OperationsStats::succeeded);
        counter(registry, "baton.operations.ended", Tags.of(tags).and("status", "failed"), ended, OperationsStats::failed);
        counter(registry, "baton.operations.ended", Tags.of(tags).and("status", "canceled"), ended, OperationsStats::canceled);
        counter(registry, "baton.operations.retries", Tags.of(tags), "attempts scheduled again after a failure",
                OperationsStats::retried);
        counter(registry, "baton.operations.rejected", Tags.of(tags), "creations refused because the queue was full (503)",
                OperationsStats::rejected);
        counter(registry, "baton.operations.uncooperative", Tags.of(tags),
                "handlers that ignored their cancellation past the grace and were abandoned", OperationsStats::uncooperative);
        counter(registry, "baton.operations.late.results", Tags.of(tags), "results of abandoned handlers, dropped",
                OperationsStats::lateResults);
        counter(registry, "baton.operations.fenced.writes", Tags.of(tags),
                "writes refused because another node had claimed the operation", OperationsStats::fencedWrites);

        gauge(registry, "baton.operations.running", Tags.of(tags), null, "operations running now", OperationsStats::running);
        gauge(registry, "baton.operations.queued", Tags.of(tags), null, "operations waiting to run", OperationsStats::queued);
        String duration = "run time of finished operations since start, from start to end";
        gauge(registry, "baton.operations.duration", Tags.of(tags).and("phi", "0.5"), SECONDS, duration,
                s -> s.p50Millis() / 1000);
        gauge(registry, "baton.operations.duration", Tags.of(tags).and("phi", "0.99"), SECONDS, duration,
                s -> s.p99Millis() / 1000);
        gauge(registry, "baton.operations.duration.mean", Tags.of(tags), SECONDS, duration,
                s -> s.meanMillis() / 1000);
        gauge(registry, "baton.operations.duration.max", Tags.of(tags), SECONDS, duration,
                s -> s.maxMillis() / 1000);
    }

    private void counter(MeterRegistry registry, String name, Tags all, String description,
                         ToDoubleFunction<OperationsStats> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.stats.get()))
                .description(description).tags(all).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, Tags all, String unit, String description,
                       ToDoubleFunction<OperationsStats> value) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.stats.get()))
                .description(description).baseUnit(unit).tags(all).strongReference(true).register(registry);
    }
}
