package dev.baton.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import dev.baton.testing.BatonExtension;
import dev.baton.testing.await.Await;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatonMetricsTest {
    static final HttpClient http = HttpClient.newHttpClient();
    static final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Built here, bound to the registry, then started by the extension: the meters are there from the start. */
    @RegisterExtension
    static final BatonExtension app = BatonExtension.ofServer(() -> {
        Server server = Server.builder()
                .config(c -> c.host("127.0.0.1").port(0).workerThreads(1).requestQueueCapacity(1))
                .routing(r -> {
                    r.get("/hello", ctx -> "hello");
                    // waits 100 ms holding no thread: its hold ratio stays far below 0.5 even when a loaded
                    // machine stretches the few milliseconds it does hold one (first requests load classes)
                    r.get("/gizmos/{id}", ctx -> CompletableFuture.supplyAsync(() -> "gizmo " + ctx.request().path("id").asString(),
                            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)));
                    r.get("/blocking", ctx -> {
                        Thread.sleep(300);
                        return "slept";
                    });
                    r.get("/sleepy", ctx -> {
                        Thread.sleep(50);
                        return "slept";
                    });
                    r.get("/slow", ctx -> new CompletableFuture<String>()).timeout(Duration.ofMillis(100));
                    r.get("/metrics", PrometheusRoute.of(registry));
                })
                .build();
        BatonMetrics.of(server).bindTo(registry); // kept by nobody but the registry
        return server;
    }).stopGrace(Duration.ofSeconds(1));

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUri() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Scrape scrape() throws Exception {
        Thread.sleep(BatonMetrics.SNAPSHOT_MAX_AGE_MILLIS + 20); // past the last scrape's snapshot
        HttpResponse<String> res = get("/metrics");
        assertThat(res.statusCode()).isEqualTo(200);
        return new Scrape(res.body());
    }

    /** Scrapes until {@code read} gives {@code expected}: a request's numbers are counted just after its answer goes out. */
    static void eventually(double expected, ScrapeReader read) {
        Await.until("a scrape reading " + expected, Duration.ofSeconds(5), () -> read.read(scrape()), v -> v == expected);
    }

    interface ScrapeReader {
        double read(Scrape s);
    }

    @Test
    void theScrapeIsThePrometheusTextFormatByDefault() throws Exception {
        HttpResponse<String> res = get("/metrics");
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(res.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(res.body()).contains("# TYPE baton_server_requests_completed_total counter",
                "# TYPE baton_server_in_flight gauge", "baton_server_workers_max 1.0");
    }

    @Test
    void aScraperThatPrefersOpenMetricsGetsIt() throws Exception {
        String prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        HttpResponse<String> res = get("/metrics", "Accept", prometheus);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(res.body()).contains("baton_server_requests_completed_total").endsWith("# EOF\n");
    }

    @Test
    void completedCountRisesByTheNumberOfRequestsSent() throws Exception {
        double before = scrape().value("baton_server_requests_completed_total");
        for (int i = 0; i < 7; i++) {
            assertThat(get("/hello").statusCode()).isEqualTo(200);
        }
        // each scrape is a request too: the one that read "before", and every one since but the one being answered
        int[] scrapesBefore = {0};
        eventually(before + 7, s -> s.value("baton_server_requests_completed_total") - ++scrapesBefore[0]);
    }

    @Test
    void eachRouteHasItsLatencyAndThreadHoldTaggedByMethodAndRoute() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get("/gizmos/" + i).body()).isEqualTo("gizmo " + i);
        }
        String[] route = {"method", "GET", "route", "/gizmos/{id}"};
        eventually(3, s -> s.value("baton_server_route_requests_seconds_count", route));
        Scrape s = scrape();
        assertThat(s.value("baton_server_route_requests_seconds_sum", route)).isGreaterThan(3 * 0.004);
        assertThat(s.value("baton_server_route_latency_seconds", "method", "GET", "route", "/gizmos/{id}", "phi", "0.5"))
                .isGreaterThan(0.004);
        assertThat(s.value("baton_server_route_latency_seconds", "method", "GET", "route", "/gizmos/{id}", "phi", "0.99"))
                .isGreaterThan(0.004);
        assertThat(s.value("baton_server_route_latency_max_seconds", route)).isGreaterThan(0.004);
        assertThat(s.value("baton_server_route_errors_total", route)).isZero();
        // an async route gives its thread back while it waits
        assertThat(s.value("baton_server_route_thread_hold_ratio", route)).isBetween(0.0, 0.5);
        assertThat(s.value("baton_server_route_thread_hold_seconds_total", route)).isGreaterThanOrEqualTo(0);
        // every route has its meters from the start, traffic or not
        assertThat(s.has("baton_server_route_requests_seconds_count", "method", "GET", "route", "/slow")).isTrue();
    }

    @Test
    void aBlockingRouteHoldsItsThreadForItsWholeTime() throws Exception {
        assertThat(get("/sleepy").statusCode()).isEqualTo(200);
        String[] route = {"method", "GET", "route", "/sleepy"};
        eventually(1, s -> s.value("baton_server_route_requests_seconds_count", route));
        assertThat(scrape().value("baton_server_route_thread_hold_ratio", route)).isGreaterThan(0.9);
    }

    @Test
    void aRefused503ShowsInRejected() throws Exception {
        double before = scrape().value("baton_server_requests_rejected_total");
        // one worker and one queue place: of six blocking requests at once, some are refused
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(app.baseUri() + "/blocking")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        long refused = calls.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 503).count();
        assertThat(refused).isPositive();
        eventually(before + refused, s -> s.value("baton_server_requests_rejected_total"));
    }

    @Test
    void aTimeoutShowsInTimedOut() throws Exception {
        double before = scrape().value("baton_server_requests_timed_out_total");
        assertThat(get("/slow").statusCode()).isEqualTo(504);
        eventually(before + 1, s -> s.value("baton_server_requests_timed_out_total"));
    }

    @Test
    void gaugesAndSafetyNetsAreThereByKind() throws Exception {
        Scrape s = scrape();
        assertThat(s.value("baton_server_in_flight")).isEqualTo(1); // this scrape
        assertThat(s.value("baton_server_queued")).isZero();
        assertThat(s.value("baton_server_workers_busy")).isEqualTo(1); // the worker running this scrape
        assertThat(s.value("baton_server_workers_busy_peak")).isPositive();
        assertThat(s.value("baton_server_connections")).isPositive();
        assertThat(s.value("baton_server_websocket_sessions")).isZero();
        assertThat(s.value("baton_server_websocket_messages_in_total")).isZero();
        assertThat(s.value("baton_server_websocket_messages_out_total")).isZero();
        assertThat(s.value("baton_server_requests_client_disconnects_total")).isGreaterThanOrEqualTo(0);
        assertThat(s.value("baton_server_requests_late_completions_total")).isGreaterThanOrEqualTo(0);
        for (String kind : new String[] {"pending_at_completion", "async_in_sync_stage", "blocked_event_loop", "fake_async",
                "virtual_thread_pinned"}) {
            assertThat(s.value("baton_server_safety_nets_total", "kind", kind)).as(kind).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void theMetersOutliveTheBinderThatMadeThem() throws Exception {
        // the function counters hold their state weakly: the gauges must keep it alive
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        DoubleSupplier completed = () -> {
            try {
                return scrape().value("baton_server_requests_completed_total");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        double before = completed.getAsDouble();
        get("/hello");
        assertThat(before).isNotNaN();
        assertThat(completed.getAsDouble()).isGreaterThan(before);
    }

    @Test
    void anAcceptHeaderIsWeighedByItsQualities() {
        assertThat(PrometheusRoute.prefersOpenMetrics("")).isFalse();
        assertThat(PrometheusRoute.prefersOpenMetrics("*/*")).isFalse();
        assertThat(PrometheusRoute.prefersOpenMetrics("text/html,application/xhtml+xml,*/*;q=0.8")).isFalse();
        assertThat(PrometheusRoute.prefersOpenMetrics("application/openmetrics-text")).isTrue();
        assertThat(PrometheusRoute.prefersOpenMetrics("text/plain;version=0.0.4, application/openmetrics-text;q=0.5")).isFalse();
        assertThat(PrometheusRoute.prefersOpenMetrics("Application/OpenMetrics-Text; Q=0.9, text/plain;q=0.5")).isTrue();
        assertThat(PrometheusRoute.prefersOpenMetrics("application/openmetrics-text;q=0")).isFalse();
        assertThat(PrometheusRoute.prefersOpenMetrics("application/openmetrics-text;q=nonsense")).isFalse();
    }
}
