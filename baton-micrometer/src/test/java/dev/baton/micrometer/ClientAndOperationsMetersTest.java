package dev.baton.micrometer;

import static dev.baton.client.BodyReader.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import dev.baton.client.HttpClient;
import dev.baton.operations.OperationType;
import dev.baton.operations.Operations;
import dev.baton.testing.await.Await;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientAndOperationsMetersTest {
    static PrometheusMeterRegistry registry;
    static Server server;
    static HttpClient client;

    @BeforeAll
    static void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Operations ops = Operations.builder()
                .type(OperationType.of("tick", Void.class, (in, op) -> "tock"))
                .type(OperationType.of("boom", Void.class, (in, op) -> {
                    throw new IllegalStateException("boom");
                }))
                .build();
        HttpClient[] self = new HttpClient[1];
        server = Server.builder()
                .config(c -> c.host("127.0.0.1").port(0))
                .feature(ops)
                .routing(r -> {
                    r.get("/hello", ctx -> "hello");
                    r.get("/call", ctx -> self[0].get("http://127.0.0.1:" + server.port() + "/hello").in(ctx).send(text()));
                    r.get("/metrics", PrometheusRoute.of(registry));
                })
                .build();
        client = HttpClient.builder().eventLoops(server.eventLoopGroup()).build();
        self[0] = client;
        BatonMetrics.of(server).client(client).operations(ops).tags(Tags.of("server", "main")).bindTo(registry);
        server.start();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(Duration.ofSeconds(1));
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    static void eventually(double expected, ToDoubleFunction<Scrape> read) {
        Await.until("a scrape reading " + expected, Duration.ofSeconds(5), () -> {
            Thread.sleep(BatonMetrics.SNAPSHOT_MAX_AGE_MILLIS + 20); // past the last scrape's snapshot
            return read.applyAsDouble(new Scrape(client.get(url("/metrics")).send(text()).get(5, TimeUnit.SECONDS)));
        }, v -> v == expected);
    }

    @Test
    void clientCallsAndPoolsAreCounted() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(client.get(url("/call")).send(text()).get(5, TimeUnit.SECONDS)).isEqualTo("hello");
        }
        // three calls to /call, each making one to /hello, and the scrapes themselves: count attempts past calls
        eventually(0, s -> s.value("baton_client_attempts_total") - s.value("baton_client_calls_total"));
        Scrape s = new Scrape(client.get(url("/metrics")).send(text()).get(5, TimeUnit.SECONDS));
        assertThat(s.value("baton_client_calls_total", "server", "main")).isGreaterThanOrEqualTo(6);
        assertThat(s.value("baton_client_connections_opened_total")).isPositive();
        assertThat(s.value("baton_client_connections_open")).isPositive();
        assertThat(s.value("baton_client_streams")).isZero(); // an HTTP/1.1 host runs no stream
        assertThat(s.value("baton_client_connections_idle")).isGreaterThanOrEqualTo(0);
        assertThat(s.value("baton_client_queued")).isZero();
        for (String name : new String[] {"baton_client_retries_total", "baton_client_failures_total",
                "baton_client_timeouts_total", "baton_client_cancelled_total", "baton_client_connections_reused_total"}) {
            assertThat(s.value(name)).as(name).isGreaterThanOrEqualTo(0);
        }
        assertThat(s.value("baton_server_requests_completed_total", "server", "main")).isPositive();
    }

    @Test
    void operationsAreCountedByHowTheyEnded() throws Exception {
        for (String type : new String[] {"tick", "tick", "boom"}) {
            assertThat(client.post(url("/operations/" + type)).send().get(5, TimeUnit.SECONDS).status()).isEqualTo(202);
        }
        eventually(2, s -> s.value("baton_operations_ended_total", "status", "succeeded"));
        eventually(1, s -> s.value("baton_operations_ended_total", "status", "failed"));
        Scrape s = new Scrape(client.get(url("/metrics")).send(text()).get(5, TimeUnit.SECONDS));
        assertThat(s.value("baton_operations_accepted_total")).isEqualTo(3);
        assertThat(s.value("baton_operations_ended_total", "status", "canceled")).isZero();
        assertThat(s.value("baton_operations_running")).isZero();
        assertThat(s.value("baton_operations_queued")).isZero();
        assertThat(s.value("baton_operations_duration_seconds", "phi", "0.99")).isGreaterThanOrEqualTo(0);
        assertThat(s.value("baton_operations_duration_max_seconds")).isGreaterThanOrEqualTo(0);
        for (String name : new String[] {"baton_operations_retries_total", "baton_operations_rejected_total",
                "baton_operations_uncooperative_total", "baton_operations_late_results_total",
                "baton_operations_fenced_writes_total"}) {
            assertThat(s.value(name)).as(name).isGreaterThanOrEqualTo(0);
        }
        // the operations' own routes are routes like any other
        assertThat(s.value("baton_server_route_requests_seconds_count", "method", "POST", "route", "/operations/{type}"))
                .isEqualTo(3);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/scrape-sample.txt"), s.body());
    }
}
