package dev.baton.client;

import static dev.baton.client.Servers.later;
import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.context.CancellationReason;
import dev.baton.context.Deadline;
import dev.baton.testing.await.Await;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    final Servers servers = new Servers();
    final CompletableFuture<CancellationReason> backendCancelled = new CompletableFuture<>();
    final CountDownLatch backendArrived = new CountDownLatch(1);
    final java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient();
    Server backend;
    HttpClient client;

    @BeforeEach
    void startBackend() {
        backend = servers.start(r -> r.get("/never", ctx -> {
            ctx.cancellation().onCancel(backendCancelled::complete);
            backendArrived.countDown();
            return new CompletableFuture<String>();
        }).noTimeout().execution(ExecutionModel.EVENT_LOOP));
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    private HttpResponse<String> call(Server s, String path) throws Exception {
        return jdk.send(HttpRequest.newBuilder(URI.create(url(s, path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFrontRequestThatTimesOutAbortsItsOutboundCallAndTheBackendSeesTheDisconnect() throws Exception {
        Server front = servers.build(c -> { }, r -> r.get("/front", ctx ->
                // the backend gets the remaining budget too, but its own timer is only a backstop: the abort wins
                client.get(url(backend, "/never")).in(ctx).send(BodyReader.text()))
                .timeout(Duration.ofMillis(300)));
        client = servers.client(b -> b.eventLoops(front.eventLoopGroup()));
        front.start();

        assertThat(call(front, "/front").statusCode()).isEqualTo(504);
        assertThat(backendCancelled.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
        Await.until("the call counted as cancelled", Duration.ofSeconds(5), () -> client.stats().cancelled() == 1);
        // the pool counts the close once the channel's close completes, on its loop
        Await.until("the aborted call's connection is closed", Duration.ofSeconds(5),
                () -> client.stats().hosts().get("127.0.0.1:" + backend.port()).open() == 0);
    }

    @Test
    void theDeadlineHeaderShrinksHopByHopAcrossThreeServers() throws Exception {
        Map<String, Long> seen = new ConcurrentHashMap<>();
        client = servers.client(b -> { });
        Server c = servers.start(r -> r.get("/c", ctx -> {
            seen.put("c", Long.parseLong(ctx.request().headers().first(Deadline.HEADER).orElseThrow()));
            seen.put("c-deadline", ctx.deadline().remaining().toMillis());
            return "c";
        }));
        Server b = servers.start(r -> r.get("/b", ctx -> {
            seen.put("b", Long.parseLong(ctx.request().headers().first(Deadline.HEADER).orElseThrow()));
            return later(50, "").thenCompose(x -> client.get(url(c, "/c")).in(ctx).send(BodyReader.text()));
        }));
        Server a = servers.start(r -> r.get("/a", ctx -> {
            seen.put("a", ctx.request().headers().first(Deadline.HEADER).map(Long::parseLong).orElse(-1L));
            return later(50, "").thenCompose(x -> client.get(url(b, "/b")).in(ctx).send(BodyReader.text()));
        }).timeout(Duration.ofSeconds(2)));

        HttpResponse<String> r = call(a, "/a");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("c");
        assertThat(seen.get("a")).isEqualTo(-1L);
        assertThat(seen.get("b")).isBetween(1L, 2000L - 45);
        assertThat(seen.get("c")).isBetween(1L, seen.get("b") - 45);
        assertThat(seen.get("c-deadline")).isLessThanOrEqualTo(seen.get("c"));
        assertThat(a.stats().safetyNets().pendingAtCompletion() + b.stats().safetyNets().pendingAtCompletion()).isZero();
    }

    @Test
    void anAttemptTimeoutIsCappedByTheInboundDeadline() throws Exception {
        Map<String, Long> seen = new ConcurrentHashMap<>();
        Server echo = servers.start(r -> r.get("/echo", ctx -> {
            seen.put("budget", Long.parseLong(ctx.request().headers().first(Deadline.HEADER).orElseThrow()));
            return "ok";
        }));
        client = servers.client(b -> b.timeout(Duration.ofSeconds(20)));
        Server front = servers.start(r -> r.get("/front", ctx -> client.get(url(echo, "/echo")).in(ctx).send(BodyReader.text()))
                .timeout(Duration.ofMillis(800)));

        assertThat(call(front, "/front").body()).isEqualTo("ok");
        assertThat(seen.get("budget")).isBetween(1L, 800L);
        assertThat(front.stats().safetyNets().pendingAtCompletion()).as("an awaited call is not abandoned work").isZero();
    }

    @Test
    void anAttemptTimeoutFailsTheCallAndClosesItsConnection() throws Exception {
        client = servers.client(b -> b.retry(RetryPolicy.none()));
        long start = System.nanoTime();
        // the backend gets Baton-Timeout: 200, and keeps its own timer as a backstop just after it
        CompletableFuture<String> f = client.get(url(backend, "/never")).timeout(Duration.ofMillis(200))
                .send(BodyReader.text());

        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ClientTimeoutException.class)
                .hasMessageContaining("waiting for the response");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(3));
        assertThat(backendCancelled.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
        assertThat(client.stats().timeouts()).isEqualTo(1);
    }

    @Test
    void cancellingTheCallsFutureClosesItsConnection() throws Exception {
        client = servers.client(b -> { });
        CompletableFuture<ClientResponse> f = client.get(url(backend, "/never")).send();
        assertThat(backendArrived.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(f.cancel(true)).isTrue();
        assertThat(backendCancelled.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
        assertThat(f).isCancelled();
    }

    @Test
    void aCallStillRunningWhenTheInboundResponseCompletesIsCancelledAsAbandonedWork() throws Exception {
        Server front = servers.build(c -> { }, r -> r.get("/forgetful", ctx -> {
            client.get(url(backend, "/never")).in(ctx).send(); // started, never awaited
            backendArrived.await(5, TimeUnit.SECONDS);
            return "answered early";
        }));
        client = servers.client(b -> b.eventLoops(front.eventLoopGroup()));
        front.start();

        assertThat(call(front, "/forgetful").body()).isEqualTo("answered early");
        assertThat(backendCancelled.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
        // a sync handler that returned while its call was pending: the "async in a sync stage" net
        assertThat(front.stats().safetyNets().asyncInSyncStage()).isEqualTo(1);
    }

    @Test
    void aCallMadeInARequestRunsOnThatRequestsEventLoop() throws Exception {
        Server echo = servers.start(r -> r.get("/echo", ctx -> "ok"));
        Map<String, Thread> threads = new ConcurrentHashMap<>();
        Server front = servers.build(c -> { }, r -> r.get("/front", ctx -> {
            threads.put("handler", Thread.currentThread());
            return client.get(url(echo, "/echo")).in(ctx).send(BodyReader.text()).thenApply(body -> {
                threads.put("completion", Thread.currentThread());
                return body;
            });
        }).execution(ExecutionModel.EVENT_LOOP));
        client = servers.client(b -> b.eventLoops(front.eventLoopGroup()));
        front.start();

        assertThat(call(front, "/front").body()).isEqualTo("ok");
        assertThat(threads.get("completion")).isSameAs(threads.get("handler"));
    }
}
