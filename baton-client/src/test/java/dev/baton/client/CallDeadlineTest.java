package dev.baton.client;

import static dev.baton.client.Servers.later;
import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.context.CancellationReason;
import dev.baton.context.Deadline;
import dev.baton.http.Response;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A call's own deadline ({@code Call.deadline}, the retry budget), with and without an inbound request. */
class CallDeadlineTest {
    final Servers servers = new Servers();
    final CompletableFuture<CancellationReason> backendCancelled = new CompletableFuture<>();
    final Map<String, Long> budgetSeen = new ConcurrentHashMap<>();
    final AtomicInteger hits = new AtomicInteger();
    Server backend;

    @BeforeEach
    void startBackend() {
        backend = servers.start(r -> {
            r.get("/never", ctx -> {
                ctx.request().headers().first(Deadline.HEADER).ifPresent(v -> budgetSeen.put("never", Long.parseLong(v)));
                ctx.cancellation().onCancel(backendCancelled::complete);
                return new CompletableFuture<String>();
            }).noTimeout().execution(ExecutionModel.EVENT_LOOP);
            // a bad gateway at once (no Retry-After, unlike Baton's 503), then never answers: the retry
            // starts well inside the budget
            r.get("/failing-then-never", ctx -> {
                if (hits.getAndIncrement() == 0) {
                    return CompletableFuture.completedFuture(Response.status(502).text("bad gateway"));
                }
                ctx.cancellation().onCancel(backendCancelled::complete);
                return new CompletableFuture<Response>();
            }).noTimeout().execution(ExecutionModel.EVENT_LOOP);
            // a body that takes 700 ms to stream, its head at once
            r.get("/slow-stream", ctx -> {
                ctx.request().headers().first(Deadline.HEADER).ifPresent(v -> budgetSeen.put("stream", Long.parseLong(v)));
                return Response.ok().stream("text/plain", sink -> {
                    sink.write("one,");
                    later(350, "").thenRun(() -> sink.write("two,")).thenCompose(x -> later(350, ""))
                            .thenRun(() -> sink.write("three").thenRun(sink::close));
                });
            });
        });
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    private static String body(Server s, String path) throws Exception {
        var jdk = java.net.http.HttpClient.newHttpClient();
        return jdk.send(HttpRequest.newBuilder(URI.create(url(s, path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void aCallDeadlineCapsTheAttemptAndFailsTheCallWithATimeoutThatClosesItsConnection() throws Exception {
        HttpClient client = servers.client(b -> b.timeout(Duration.ofSeconds(30)).retry(RetryPolicy.none()));
        long start = System.nanoTime();
        CompletableFuture<String> f = client.get(url(backend, "/never")).deadline(Duration.ofMillis(300)).send(BodyReader.text());

        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ClientTimeoutException.class)
                .hasMessageContaining("the call's deadline");
        assertThat(since(start)).isBetween(Duration.ofMillis(290), Duration.ofSeconds(3));
        assertThat(backendCancelled.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
        assertThat(budgetSeen.get("never")).as("the deadline is sent on").isBetween(1L, 300L);
    }

    @Test
    void aRetryBudgetEndsAnAttemptThatStartedInsideIt() throws Exception {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(10))
                .jitter(false).budget(Duration.ofSeconds(2)).build(); // room for both attempts to start on a loaded machine
        HttpClient client = servers.client(b -> b.timeout(Duration.ofSeconds(30)).retry(policy));
        long start = System.nanoTime();
        CompletableFuture<ClientResponse> f = client.get(url(backend, "/failing-then-never")).send();

        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(ClientTimeoutException.class);
        assertThat(since(start)).isBetween(Duration.ofMillis(1990), Duration.ofSeconds(6));
        assertThat(hits.get()).isEqualTo(2);
        assertThat(backendCancelled.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
        assertThat(client.stats().retries()).isEqualTo(1);
    }

    @Test
    void aCallDeadlineEarlierThanItsRequestsWins() throws Exception {
        HttpClient client = servers.client(b -> { });
        Server front = servers.start(r -> r.get("/front", ctx -> client.get(url(backend, "/never")).in(ctx)
                .deadline(Duration.ofMillis(300)).send(BodyReader.text())
                .handle((v, e) -> e == null ? v : e.getClass().getSimpleName()))
                .timeout(Duration.ofSeconds(3)));
        long start = System.nanoTime();

        assertThat(body(front, "/front")).isEqualTo("ClientTimeoutException");
        assertThat(since(start)).isLessThan(Duration.ofMillis(2500));
        assertThat(budgetSeen.get("never")).isBetween(1L, 300L);
    }

    @Test
    void anInboundDeadlineEarlierThanTheCallsOwnWins() throws Exception {
        HttpClient client = servers.client(b -> { });
        Server front = servers.start(r -> r.get("/front", ctx -> client.get(url(backend, "/never")).in(ctx)
                .deadline(Duration.ofSeconds(5)).send(BodyReader.text()))
                .timeout(Duration.ofMillis(300)));
        long start = System.nanoTime();

        var jdk = java.net.http.HttpClient.newHttpClient();
        int status = jdk.send(HttpRequest.newBuilder(URI.create(url(front, "/front"))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
        assertThat(status).isEqualTo(504);
        assertThat(since(start)).isLessThan(Duration.ofSeconds(3));
        assertThat(budgetSeen.get("never")).isBetween(1L, 300L);
        assertThat(backendCancelled.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
    }

    @Test
    void aCallDeadlineAlsoEndsAWaitOutsideAnyAttempt() throws Exception {
        // an interceptor that holds the call before its attempt (a token fetch, say): no attempt timer runs meanwhile
        Interceptor slowToken = (request, chain) -> {
            CompletableFuture<ClientResponse> out = new CompletableFuture<>();
            chain.executor().schedule(() -> chain.proceed(request).whenComplete((r, e) -> {
                if (e != null) {
                    out.completeExceptionally(e);
                } else {
                    out.complete(r);
                }
            }), 5, TimeUnit.SECONDS);
            return out;
        };
        HttpClient client = servers.client(b -> b.interceptor(slowToken));
        long start = System.nanoTime();
        CompletableFuture<String> f = client.get(url(backend, "/never")).deadline(Duration.ofMillis(200)).send(BodyReader.text());

        assertThatThrownBy(() -> f.get(3, TimeUnit.SECONDS)).cause().isInstanceOf(ClientTimeoutException.class)
                .hasMessageContaining("ran out of its deadline");
        assertThat(since(start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(2));
        assertThat(client.stats().attempts()).isZero();
    }

    @Test
    void aCallsOwnDeadlineBoundsAStreamedCallUntilItsHeadAndLeavesTheBodyToItsReader() throws Exception {
        RetryPolicy shortBudget = RetryPolicy.builder().budget(Duration.ofMillis(300)).build();
        HttpClient client = servers.client(b -> b.timeout(Duration.ofSeconds(5)).retry(shortBudget));
        long start = System.nanoTime();
        InputStream in = client.get(url(backend, "/slow-stream")).send(BodyReader.stream()).get(5, TimeUnit.SECONDS);
        String body;
        try (in) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(body).isEqualTo("one,two,three");
        assertThat(since(start)).isGreaterThan(Duration.ofMillis(600));
        assertThat(budgetSeen.get("stream")).as("the server may take the attempt's timeout").isGreaterThan(4000L);
        // the wait for the head is still bounded by the budget
        assertThatThrownBy(() -> client.get(url(backend, "/never")).send(BodyReader.stream()).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(ClientTimeoutException.class).hasMessageContaining("the call's deadline");
    }

    @Test
    void aNegativeDeadlineIsRefusedWhereItIsSet() {
        HttpClient client = servers.client(b -> { });
        assertThatThrownBy(() -> client.get(url(backend, "/never")).deadline(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline");
    }
}
