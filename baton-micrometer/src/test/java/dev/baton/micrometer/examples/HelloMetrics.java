package dev.baton.micrometer.examples;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.micrometer.BatonMetrics;
import dev.baton.micrometer.PrometheusRoute;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A server that Prometheus can scrape: {@code curl localhost:8080/metrics}. The route exists
 * before the server it measures, so the meters are bound once the server is built.
 */
public final class HelloMetrics {
    private HelloMetrics() {
    }

    public static void main(String[] args) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Server server = Server.builder()
                .config(c -> c.port(8080))
                .routing(r -> {
                    r.get("/hello", ctx -> "Hello, World");
                    // a virtual thread: the scrape still answers when the worker pool is full
                    r.get("/metrics", PrometheusRoute.of(registry)).execution(ExecutionModel.VIRTUAL);
                })
                .build();
        BatonMetrics.of(server).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        server.start();
    }
}
