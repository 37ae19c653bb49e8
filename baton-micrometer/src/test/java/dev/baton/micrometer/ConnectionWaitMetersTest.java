package dev.baton.micrometer;

import static dev.baton.client.BodyReader.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.client.HttpClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The time calls waited for a connection, per host, as meters: which host's limit sets the pace. */
class ConnectionWaitMetersTest {

    @Test
    void callsThatWaitForAHostsOnlyConnectionShowAsThatHostsWaitMeters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Server server = Server.builder()
                .config(c -> c.host("127.0.0.1").port(0))
                .routing(r -> {
                    r.get("/slow", ctx -> CompletableFuture.supplyAsync(() -> "ok",
                            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))).execution(ExecutionModel.EVENT_LOOP);
                    r.get("/metrics", PrometheusRoute.of(registry));
                })
                .build();
        // the client under watch: one connection to the server; the scrapes go through another client
        HttpClient capped = HttpClient.builder().eventLoops(server.eventLoopGroup()).maxConnectionsPerHost(1).build();
        HttpClient scraper = HttpClient.builder().eventLoops(server.eventLoopGroup()).build();
        // bound before any call: the host's meters come when a snapshot first shows it
        BatonMetrics.of(server).client(capped).bindTo(registry);
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.port();
            String host = "127.0.0.1:" + server.port();
            assertThat(scrape(scraper, base).has("baton_client_connection_wait_seconds_count", "host", host)).isFalse();

            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                calls.add(capped.get(base + "/slow").send(text()));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            scrapeUntil(scraper, base, "baton_client_connection_wait_seconds_count", "host", host);
            // the scrape that first sees a host registers its meters while it writes: the next shows them all
            Scrape s = scrape(scraper, base);
            assertThat(s.value("baton_client_connection_wait_seconds_count", "host", host)).isEqualTo(14);
            // the fourteen waits: 100 ms, 200 ms, ... 1.4 s, 10.5 s in all
            assertThat(s.value("baton_client_connection_wait_seconds_sum", "host", host)).isBetween(9.0, 30.0);
            assertThat(s.value("baton_client_connection_wait_max_seconds", "host", host)).isGreaterThanOrEqualTo(1.3);
            assertThat(s.value("baton_client_connection_wait_recent_seconds", "host", host, "phi", "0.99"))
                    .isGreaterThan(0.1);
            assertThat(s.value("baton_client_connections_limit", "host", host)).isEqualTo(1);
            assertThat(s.value("baton_client_connection_wait_reports_total")).isBetween(1.0, 2.0);
            assertThat(s.value("baton_client_queued")).isZero();
        } finally {
            capped.close();
            scraper.close();
            server.stop(Duration.ofSeconds(1));
        }
    }

    private static Scrape scrape(HttpClient scraper, String base) throws Exception {
        return new Scrape(scraper.get(base + "/metrics").send(text()).get(5, TimeUnit.SECONDS));
    }

    /** Scrapes until a series shows (a host's meters join the registry during the scrape that first sees it). */
    private static Scrape scrapeUntil(HttpClient scraper, String base, String name, String... labels) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Scrape s = scrape(scraper, base);
            if (s.has(name, labels) || System.nanoTime() > end) {
                return s;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(BatonMetrics.SNAPSHOT_MAX_AGE_MILLIS)); // a fresh snapshot
        }
    }
}
