package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.Server;
import dev.baton.context.CancellationReason;
import dev.baton.controller.Body;
import dev.baton.controller.Controller;
import dev.baton.controller.Post;
import dev.baton.controller.RespondAsync;
import dev.baton.http.Response;
import dev.baton.operations.support.Gates;
import dev.baton.operations.support.OpsServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RespondAsyncTest {
    record Order(String item, int count) { }

    @Controller("/orders")
    public static class Orders {
        @RespondAsync
        @Post
        public CompletionStage<String> place(@Body Order order) {
            return CompletableFuture.completedFuture("placed " + order.count() + " " + order.item());
        }
    }

    private final Gates gates = new Gates();
    private final AtomicInteger runs = new AtomicInteger();
    private final CompletableFuture<CancellationReason> cancelled = new CompletableFuture<>();
    private OpsServer server;

    @BeforeEach
    void start() {
        server = OpsServer.start(Operations.builder().config(c -> c.cancelGrace(Duration.ofMillis(300))).build(), r -> {
            r.post("/reports", ctx -> {
                runs.incrementAndGet();
                String name = ctx.request().query("name").asString("r");
                ctx.cancellation().onCancel(cancelled::complete);
                return gates.gate("report").thenApply(v -> Response.status(201).header("X-Report", name).json(
                        java.util.Map.of("name", name, "user", String.valueOf(ctx.attributes().get("user")))));
            }).respondAsync();
            r.get("/plain", ctx -> "plain").respondAsync();
            r.post("/forever", ctx -> gates.gate("forever").thenApply(v -> "done")).noTimeout().respondAsync();
            r.use((ctx, next) -> {
                ctx.attributes().put("user", "ann");
                return next.proceed();
            });
        }, b -> b.controllers(new Orders()));
    }

    @AfterEach
    void stop() {
        gates.open("report");
        gates.open("forever");
        server.close();
    }

    @Test
    void withoutPreferTheRouteRunsAsUsual() {
        assertThat(server.get("/plain").body()).isEqualTo("plain");
        assertThat(server.get("/plain").header("Preference-Applied")).isNull();
        // (a short text: below the compression threshold, so it does not vary on Accept-Encoding)
        assertThat(server.get("/plain").header("Vary")).isEqualTo("Prefer");
        assertThat(server.operations.stats().created()).isZero();
    }

    @Test
    void preferRespondAsyncAnswers202AndTheSameHandlerRunsAsAnOperationWithItsRequest() throws Exception {
        OpsServer.Reply accepted = server.post("/reports?name=q4", "", "Prefer", "respond-async");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("Preference-Applied")).isEqualTo("respond-async");
        String id = accepted.json().path("id").asText();
        assertThat(accepted.header("Location")).isEqualTo("/operations/" + id);
        assertThat(accepted.json().path("type").asText()).isEqualTo("POST /reports");
        server.awaitStatus(id, "running");
        gates.open("report");
        JsonNode done = server.awaitTerminal(id, Duration.ofSeconds(10));
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("result").path("name").asText()).isEqualTo("q4");
        assertThat(done.path("result").path("user").asText()).isEqualTo("ann"); // the middleware's attribute travelled
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void preferWaitAnswersTheHandlersOwnResponseWhenItFinishesInTime() throws Exception {
        CompletableFuture<OpsServer.Reply> reply = server.sendAsync(OpsServer.with(server.request("/reports?name=fast"),
                "Prefer", "respond-async, wait=10").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        Await.until("running", Duration.ofSeconds(10), () -> runs.get() == 1);
        gates.open("report");
        OpsServer.Reply r = reply.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("X-Report")).isEqualTo("fast");
        assertThat(r.header("Preference-Applied")).isEqualTo("wait=10");
        assertThat(r.json().path("name").asText()).isEqualTo("fast");
    }

    @Test
    void preferWaitAnswers202WhenTheWorkOutlastsTheWait() {
        long t0 = System.nanoTime();
        OpsServer.Reply r = server.post("/reports?name=slow", "", "Prefer", "wait=1");
        assertThat(r.status()).isEqualTo(202);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(r.header("Preference-Applied")).isEqualTo("wait=1");
        assertThat(r.json().path("status").asText()).isEqualTo("running");
        // cancel reaches the handler through the token it got from its context
        server.delete(r.header("Location"));
        assertThat(cancelled.join()).isEqualTo(CancellationReason.CANCEL_REQUESTED);
    }

    @Test
    void headIsSafeAndNeverStartsAnOperation() {
        OpsServer.Reply r = server.send(OpsServer.with(server.request("/plain"), "Prefer", "respond-async")
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.status()).isEqualTo(200);
        assertThat(server.operations.stats().created()).isZero();
    }

    @Test
    void everyAnswerOfSuchARouteVariesOnPrefer() {
        // (a short text: below the compression threshold, so it does not vary on Accept-Encoding)
        assertThat(server.get("/plain").header("Vary")).isEqualTo("Prefer");
        OpsServer.Reply zero = server.post("/reports?name=z", "", "Prefer", "wait=0");
        assertThat(zero.status()).isEqualTo(202);
        assertThat(zero.header("Vary")).isEqualTo("Prefer");
        assertThat(zero.header("Preference-Applied")).isEqualTo("wait=0");
    }

    @Test
    void aRouteWithoutATimeoutWaitsAsAskedAndAnswers202() {
        OpsServer.Reply r = server.post("/forever", "", "Prefer", "respond-async, wait=1");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.header("Preference-Applied")).isEqualTo("respond-async, wait=1");
    }

    @Test
    void aWaitingClientWhoseOperationIsCanceledGetsThe202WithTheCanceledResource() throws Exception {
        CompletableFuture<OpsServer.Reply> waiting = server.sendAsync(OpsServer.with(server.request("/forever"),
                "Prefer", "wait=20").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        Await.until("the operation runs", Duration.ofSeconds(10),
                () -> server.operations.stats().running() == 1);
        String id = server.get("/operations?status=running").json().path("value").get(0).path("id").asText();
        server.delete("/operations/" + id);
        OpsServer.Reply r = waiting.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().path("status").asText()).isIn("running", "canceled");
    }

    @Test
    void aMalformedPreferIs400() {
        OpsServer.Reply r = server.post("/reports", "", "Prefer", "wait=later");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(runs.get()).isZero();
    }

    @Test
    void aControllerActionOptsInWithAnAnnotation() {
        OpsServer.Reply r = server.post("/orders", "{\"item\":\"gizmo\",\"count\":3}", "Prefer", "respond-async");
        assertThat(r.status()).isEqualTo(202);
        JsonNode done = server.awaitTerminal(r.json().path("id").asText(), Duration.ofSeconds(10));
        assertThat(done.path("result").asText()).isEqualTo("placed 3 gizmo");
        assertThat(server.post("/orders", "{\"item\":\"gizmo\",\"count\":1}").body()).isEqualTo("placed 1 gizmo");
    }

    @Test
    void aRouteMarkedRespondAsyncWithoutTheFeatureFailsTheBuildClearly() {
        assertThatThrownBy(() -> Server.builder().routing(r -> r.get("/x", ctx -> "x").respondAsync()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("GET /x").hasMessageContaining("Operations");
    }
}
