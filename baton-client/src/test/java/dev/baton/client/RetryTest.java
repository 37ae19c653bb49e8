package dev.baton.client;

import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.http.Response;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryTest {
    final Servers servers = new Servers();
    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    final AtomicInteger hits = new AtomicInteger();
    /** The statuses the backend answers, in order; the last one repeats. */
    volatile List<Integer> script = List.of(503);
    volatile String retryAfter;
    Server backend;

    @BeforeEach
    void startBackend() {
        backend = servers.start(r -> {
            r.get("/flaky", ctx -> answer());
            r.post("/flaky", ctx -> answer());
            r.get("/ok", ctx -> "fine");
        });
    }

    private Response answer() {
        arrivals.add(System.nanoTime());
        int n = hits.getAndIncrement();
        int status = script.get(Math.min(n, script.size() - 1));
        Response.Builder b = Response.status(status);
        if (retryAfter != null && status == 503) {
            b.header("Retry-After", retryAfter);
        }
        return status == 200 ? b.text("finally") : b.text("nope " + n);
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    private static RetryPolicy exact(int attempts, long baseMillis) {
        return RetryPolicy.builder().maxAttempts(attempts).backoff(Duration.ofMillis(baseMillis), Duration.ofSeconds(2))
                .jitter(false).build();
    }

    private long gapMillis(int i) {
        return (arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000;
    }

    @Test
    void retriesTheConfiguredNumberOfTimesWithGrowingGapsThenReturnsTheLastResponse() throws Exception {
        HttpClient client = servers.client(b -> b.retry(exact(4, 100)));
        ClientResponse r = client.get(url(backend, "/flaky")).send().get(10, TimeUnit.SECONDS);

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.text()).isEqualTo("nope 3");
        assertThat(hits.get()).isEqualTo(4);
        assertThat(gapMillis(1)).isGreaterThanOrEqualTo(95);
        assertThat(gapMillis(2)).isGreaterThanOrEqualTo(195);
        assertThat(gapMillis(3)).isGreaterThanOrEqualTo(395);
        ClientStats s = client.stats();
        assertThat(s.calls()).isEqualTo(1);
        assertThat(s.attempts()).isEqualTo(4);
        assertThat(s.retries()).isEqualTo(3);
    }

    @Test
    void retriesStopAtANonRetryableStatus() throws Exception {
        script = List.of(503, 502, 400, 200);
        HttpClient client = servers.client(b -> b.retry(exact(5, 10)));
        assertThatThrownBy(() -> client.get(url(backend, "/flaky")).send(BodyReader.text()).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(HttpStatusException.class)
                .hasMessageContaining("answered 400: nope 2");
        assertThat(hits.get()).isEqualTo(3);
    }

    @Test
    void aRetryThatSucceedsReturnsTheSuccess() throws Exception {
        script = List.of(502, 504, 429, 200);
        HttpClient client = servers.client(b -> b.retry(exact(4, 10)));
        assertThat(client.get(url(backend, "/flaky")).send(BodyReader.text()).get(10, TimeUnit.SECONDS)).isEqualTo("finally");
        assertThat(hits.get()).isEqualTo(4);
    }

    @Test
    void aPostWithoutAnIdempotencyKeyIsNeverRetried() throws Exception {
        HttpClient client = servers.client(b -> b.retry(exact(3, 10)));
        ClientResponse r = client.post(url(backend, "/flaky")).text("order").send().get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(503);
        assertThat(hits.get()).isEqualTo(1);
        assertThat(client.stats().retries()).isZero();
    }

    @Test
    void aPostWithAnIdempotencyKeyIsRetried() throws Exception {
        HttpClient client = servers.client(b -> b.retry(exact(3, 10)));
        ClientResponse r = client.post(url(backend, "/flaky")).idempotencyKey("order-42").text("order").send()
                .get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(503);
        assertThat(hits.get()).isEqualTo(3);
    }

    @Test
    void retryAfterInSecondsIsHonouredOverAShorterBackoff() throws Exception {
        script = List.of(503, 200);
        retryAfter = "1";
        HttpClient client = servers.client(b -> b.retry(exact(3, 10)));
        assertThat(client.get(url(backend, "/flaky")).send(BodyReader.text()).get(10, TimeUnit.SECONDS)).isEqualTo("finally");
        assertThat(hits.get()).isEqualTo(2);
        assertThat(gapMillis(1)).isGreaterThanOrEqualTo(990);
    }

    @Test
    void aRetryAfterLongerThanTheBudgetEndsTheRetries() throws Exception {
        script = List.of(503, 200);
        retryAfter = "30";
        HttpClient client = servers.client(b -> b.retry(RetryPolicy.builder().maxAttempts(3).budget(Duration.ofSeconds(5)).build()));
        long start = System.nanoTime();
        assertThat(client.get(url(backend, "/flaky")).send().get(10, TimeUnit.SECONDS).status()).isEqualTo(503);
        assertThat(hits.get()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aConnectFailureIsRetriedThenReported() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HttpClient client = servers.client(b -> b.retry(exact(3, 10)));
        assertThatThrownBy(() -> client.get("http://127.0.0.1:" + closedPort + "/").send().get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("cannot connect to 127.0.0.1:" + closedPort);
        assertThat(client.stats().attempts()).isEqualTo(3);
        assertThat(client.stats().retries()).isEqualTo(2);
        // counted before the caller could see the failure: no wait needed
        assertThat(client.stats().failures()).isEqualTo(1);
    }

    @Test
    void aCallCanTurnRetriesOff() throws Exception {
        HttpClient client = servers.client(b -> b.retry(exact(3, 10)));
        assertThat(client.get(url(backend, "/flaky")).retry(RetryPolicy.none()).send().get(10, TimeUnit.SECONDS).status())
                .isEqualTo(503);
        assertThat(hits.get()).isEqualTo(1);
    }

    @Test
    void fullJitterKeepsEachBackoffWithinItsExponentialCap() {
        RetryPolicy p = RetryPolicy.builder().backoff(Duration.ofMillis(100), Duration.ofMillis(1000)).build();
        assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(p.backoff(5)).isEqualTo(Duration.ofMillis(1000));
        assertThat(p.backoff(80)).isEqualTo(Duration.ofMillis(1000));
    }
}
