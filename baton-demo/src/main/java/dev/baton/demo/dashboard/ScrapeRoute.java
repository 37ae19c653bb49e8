package dev.baton.demo.dashboard;

import dev.baton.Server;
import dev.baton.client.HttpClient;
import dev.baton.context.RequestContext;
import dev.baton.micrometer.BatonMetrics;
import dev.baton.micrometer.PrometheusRoute;
import dev.baton.operations.Operations;
import dev.baton.routing.Handler;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * {@code /metrics}: the server's meters (and its client's and operations', when given) with the
 * JVM's, bound at the first scrape, since the routes exist before the server they measure; the
 * client's at the first scrape that finds one.
 */
final class ScrapeRoute implements Handler {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Handler scrape = PrometheusRoute.of(registry);
    private final Supplier<Server> server;
    private final Supplier<HttpClient> client;
    private final Operations operations;
    private final ReentrantLock binding = new ReentrantLock(); // not synchronized: a virtual thread would pin on Java 21
    private volatile boolean bound;
    /** The client may come later than the server (or never: then it is looked for at each scrape). */
    private volatile boolean clientBound;

    ScrapeRoute(Supplier<Server> server, Supplier<HttpClient> client, Operations operations) {
        this.server = server;
        this.client = client;
        this.operations = operations;
        this.clientBound = client == null;
    }

    @Override
    public Object handle(RequestContext ctx) throws Exception {
        if (!bound || !clientBound) {
            bind();
        }
        return scrape.handle(ctx);
    }

    private void bind() {
        binding.lock();
        try {
            HttpClient c = client == null ? null : client.get();
            if (!bound) {
                BatonMetrics meters = BatonMetrics.of(server.get());
                if (operations != null) {
                    meters = meters.operations(operations);
                }
                if (c != null) {
                    meters = meters.client(c);
                    clientBound = true;
                }
                meters.bindTo(registry);
                new JvmMemoryMetrics().bindTo(registry);
                new JvmThreadMetrics().bindTo(registry);
                new ClassLoaderMetrics().bindTo(registry);
                new ProcessorMetrics().bindTo(registry);
                new UptimeMetrics().bindTo(registry);
                bound = true;
            } else if (!clientBound && c != null) {
                // the server's meters exist already: registering them again hands back the same ones
                BatonMetrics.of(server.get()).client(c).bindTo(registry);
                clientBound = true;
            }
        } finally {
            binding.unlock();
        }
    }
}
