package dev.baton.operations.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.Server;
import dev.baton.client.ClientResponse;
import dev.baton.client.HttpClient;
import dev.baton.client.HttpStatusException;
import dev.baton.context.CancellationReason;
import dev.baton.http.HttpException;
import dev.baton.http.Problem;
import dev.baton.operations.OperationType;
import dev.baton.operations.Operations;
import dev.baton.testing.await.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real Baton server running the operations module. */
class OperationsClientTest {
    record ReportRequest(int year) {
    }

    record Report(int year, long rows) {
    }

    /** Released by a test once it has seen the operation run: the "report" handler ends then. */
    final CompletableFuture<Void> gate = new CompletableFuture<>();
    /** Why the "endless" handler's token fired. */
    final CompletableFuture<CancellationReason> tokenFired = new CompletableFuture<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    Operations operations;
    Server server;
    HttpClient http;
    OperationsClient ops;
    String base;

    @BeforeEach
    void start() {
        operations = Operations.builder()
                .type(OperationType.of("report", ReportRequest.class, (input, op) -> {
                    op.progress(25, "a quarter");
                    return gate.thenApply(v -> new Report(input.year(), 42));
                }))
                .type(OperationType.of("closed-year", ReportRequest.class, (input, op) -> {
                    throw new HttpException(422, "the year " + input.year() + " is closed");
                }))
                .type(OperationType.of("endless", Void.class, (input, op) -> {
                    CompletableFuture<Report> never = new CompletableFuture<>();
                    op.cancellation().onCancel(why -> {
                        tokenFired.complete(why);
                        never.cancel(false);
                    });
                    op.progress(10, "working");
                    return never;
                }))
                .type(OperationType.of("nothing", Void.class, (input, op) -> null))
                .config(c -> c.cancelGrace(Duration.ofSeconds(1)).maxInputSize(4096)
                        .owner(ctx -> ctx.request().headers().first("X-Owner").orElse("nobody")))
                .build();
        server = Server.builder().config(c -> c.port(0).host("127.0.0.1")).feature(operations).routing(r -> {
            r.use((ctx, next) -> {
                requests.add(ctx.request().method() + " " + ctx.request().path()
                        + ctx.request().headers().first("Idempotency-Key").map(k -> " key=" + k).orElse(""));
                return next.proceed();
            });
            r.post("/reports", ctx -> new Report(ctx.request().bodyAs(ReportRequest.class).year(), 7)).respondAsync();
        }).build().start();
        http = HttpClient.builder().eventLoopThreads(1).build();
        base = "http://127.0.0.1:" + server.port();
        ops = OperationsClient.builder(http, URI.create(base + "/operations")).header("X-Owner", "alice").build();
    }

    @AfterEach
    void stop() {
        gate.complete(null);
        http.close();
        server.stop(Duration.ofSeconds(1));
    }

    /** Releases the gate the first time the operation is seen running with its first progress. */
    Runnable releaseAt25(List<OperationProgress> seen) {
        return () -> {
            if (seen.getLast().percentComplete() == 25) {
                gate.complete(null);
            }
        };
    }

    @Test
    void submitCompletesWithTheResultAfterProgressArrivedInOrder() throws Exception {
        List<OperationProgress> seen = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        Runnable release = releaseAt25(seen);
        CompletableFuture<Report> report = ops.submit("report", new ReportRequest(2026), Report.class, p -> {
            seen.add(p);
            threads.add(Thread.currentThread());
            release.run();
        });

        assertThat(report.get(10, TimeUnit.SECONDS)).isEqualTo(new Report(2026, 42));
        assertThat(seen).extracting(OperationProgress::percentComplete).isSorted();
        assertThat(seen).extracting(OperationProgress::status)
                .startsWith(OperationState.NOT_STARTED).endsWith(OperationState.SUCCEEDED)
                .contains(OperationState.RUNNING);
        assertThat(seen).contains(new OperationProgress(seen.getFirst().id(), OperationState.RUNNING, 25, "a quarter"));
        assertThat(seen).extracting(OperationProgress::id).containsOnly(seen.getFirst().id()).doesNotContainNull();
        assertThat(seen.getFirst().id()).hasSize(22);
        assertThat(threads).as("one virtual thread, no event loop").allMatch(Thread::isVirtual).containsOnly(threads.getFirst());
        assertThat(threads.getFirst().join(Duration.ofSeconds(5))).as("the follow's thread ended").isTrue();
        String id = seen.getFirst().id();
        assertThat(requests).as("one POST, then the event stream alone: no polling")
                .filteredOn(line -> !line.startsWith("POST")).containsExactly("GET /operations/" + id + "/events");
    }

    @Test
    void pollingTheServerInsteadOfReadingItsEventsGivesTheSameOutcome() throws Exception {
        OperationsClient polling = OperationsClient.builder(http, ops.base()).header("X-Owner", "alice").events(false)
                .minPollInterval(Duration.ZERO).maxPollInterval(Duration.ofMillis(50)).build();
        List<OperationProgress> seen = new CopyOnWriteArrayList<>();
        Runnable release = releaseAt25(seen);

        Report report = polling.submit("report", new ReportRequest(2031), Report.class, p -> {
            seen.add(p);
            release.run();
        }).get(10, TimeUnit.SECONDS);

        assertThat(report).isEqualTo(new Report(2031, 42));
        assertThat(seen).extracting(OperationProgress::percentComplete).isSorted().contains(25).endsWith(100);
        assertThat(requests).noneMatch(line -> line.endsWith("/events"));
    }

    @Test
    void aFailedOperationFailsTheFutureWithItsProblem() {
        assertThatThrownBy(() -> ops.submit("closed-year", new ReportRequest(1900), Report.class).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(OperationFailedException.class, e -> {
                    assertThat(e.status()).isEqualTo(OperationState.FAILED);
                    assertThat(e.operationId()).hasSize(22);
                    assertThat(e.problem().status()).isEqualTo(422);
                    assertThat(e.problem().detail()).isEqualTo("the year 1900 is closed");
                    assertThat(e).hasMessageContaining("the year 1900 is closed");
                });
    }

    @Test
    void cancellingTheFutureCancelsTheOperationOnTheServer() throws Exception {
        CompletableFuture<String> running = new CompletableFuture<>();
        CompletableFuture<Void> endless = ops.submit("endless", null, Void.class, p -> {
            if (p.status() == OperationState.RUNNING) {
                running.complete(p.id());
            }
        });
        String id = running.get(10, TimeUnit.SECONDS);

        assertThat(endless.cancel(true)).isTrue();

        assertThat(tokenFired.get(10, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CANCEL_REQUESTED);
        Await.until("the server shows the operation canceled", Duration.ofSeconds(10),
                () -> status(id).equals("canceled"));
        assertThatThrownBy(endless::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancellingBeforeThePostIsAnsweredCancelsTheOperationItsAnswerNames() throws Exception {
        CompletableFuture<Void> answerHeld = new CompletableFuture<>();
        CompletableFuture<Void> releaseAnswer = new CompletableFuture<>();
        try (HttpClient slow = HttpClient.builder().eventLoopThreads(1).interceptor((request, chain) ->
                !request.method().equals("POST") ? chain.proceed(request)
                        : chain.proceed(request).thenCompose(answer -> {
                            answerHeld.complete(null);
                            return releaseAnswer.thenApply(v -> answer);
                        })).build()) {
            OperationsClient client = OperationsClient.builder(slow, ops.base()).header("X-Owner", "alice").build();
            CompletableFuture<Void> endless = client.submit("endless", null, Void.class);
            answerHeld.get(10, TimeUnit.SECONDS); // the operation exists; its 202 has not reached the follow
            Await.until("the handler runs", Duration.ofSeconds(10), () -> operations.stats().running() == 1);

            endless.cancel(true);
            releaseAnswer.complete(null);

            assertThat(tokenFired.get(10, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CANCEL_REQUESTED);
            Await.until("the operation is canceled", Duration.ofSeconds(10), () -> operations.stats().canceled() == 1);
        }
    }

    @Test
    void anOperationCanceledByAnotherClientFailsTheFutureWithStatusCanceled() throws Exception {
        CompletableFuture<String> running = new CompletableFuture<>();
        CompletableFuture<Void> endless = ops.submit("endless", null, Void.class, p -> {
            if (p.percentComplete() == 10) {
                running.complete(p.id());
            }
        });
        String id = running.get(10, TimeUnit.SECONDS);

        ClientResponse deleted = http.delete(base + "/operations/" + id).header("X-Owner", "alice").send().get(10, TimeUnit.SECONDS);
        assertThat(deleted.status()).isEqualTo(202);

        assertThatThrownBy(() -> endless.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(OperationFailedException.class, e -> {
                    assertThat(e.status()).isEqualTo(OperationState.CANCELED);
                    assertThat(e.operationId()).isEqualTo(id);
                    assertThat(e.problem().status()).isEqualTo(409);
                });
    }

    @Test
    void aPostRepeatedAfterALostAnswerStartsOneOperationOnly() throws Exception {
        // the answer to the first POST is dropped and the request sent again, as a retry after a broken connection would
        try (HttpClient repeating = HttpClient.builder().eventLoopThreads(1).interceptor((request, chain) ->
                request.method().equals("POST") ? chain.proceed(request).thenCompose(lost -> chain.proceed(request))
                        : chain.proceed(request)).build()) {
            OperationsClient client = OperationsClient.builder(repeating, ops.base()).header("X-Owner", "alice").build();

            assertThat(client.submit("nothing", null, Void.class).get(10, TimeUnit.SECONDS)).isNull();
        }

        List<String> posts = requests.stream().filter(line -> line.startsWith("POST")).toList();
        assertThat(posts).hasSize(2).allMatch(line -> line.matches("POST /operations/nothing key=[0-9a-f-]{36}"));
        assertThat(posts.get(0)).isEqualTo(posts.get(1));
        assertThat(operations.stats().created()).isEqualTo(1);
    }

    @Test
    void resumeReattachesToAnOperationAlreadyRunning() throws Exception {
        ClientResponse created = http.post(base + "/operations/report").header("X-Owner", "alice")
                .json(new ReportRequest(2027)).send().get(10, TimeUnit.SECONDS);
        assertThat(created.status()).isEqualTo(202);
        String id = created.as(JsonNode.class).get("id").asText();

        List<OperationProgress> seen = new CopyOnWriteArrayList<>();
        Runnable release = releaseAt25(seen);
        Report report = ops.resume(id, Report.class, p -> {
            seen.add(p);
            release.run();
        }).get(10, TimeUnit.SECONDS);

        assertThat(report).isEqualTo(new Report(2027, 42));
        assertThat(seen).extracting(OperationProgress::id).containsOnly(id);
        assertThat(seen.getLast().status()).isEqualTo(OperationState.SUCCEEDED);
    }

    @Test
    void anotherOwnerCannotResumeTheOperation() throws Exception {
        CompletableFuture<String> running = new CompletableFuture<>();
        ops.submit("endless", null, Void.class, p -> running.complete(p.id()));
        String id = running.get(10, TimeUnit.SECONDS);
        OperationsClient bob = OperationsClient.builder(http, ops.base()).header("X-Owner", "bob").build();

        assertThatThrownBy(() -> bob.resume(id, Void.class).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void followTakesOverThe202OfARouteMarkedRespondAsync() throws Exception {
        ClientResponse accepted = http.post(base + "/reports").header("X-Owner", "alice").header("Prefer", "respond-async")
                .json(new ReportRequest(2028)).send().get(10, TimeUnit.SECONDS);
        assertThat(accepted.status()).isEqualTo(202);

        assertThat(ops.follow(accepted, Report.class, p -> { }).get(10, TimeUnit.SECONDS)).isEqualTo(new Report(2028, 7));
    }

    @Test
    void followTakesAResponseThatWaitedForTheResultAsTheResult() throws Exception {
        ClientResponse done = http.post(base + "/reports").header("X-Owner", "alice").header("Prefer", "wait=5")
                .json(new ReportRequest(2029)).send().get(10, TimeUnit.SECONDS);
        assertThat(done.status()).isEqualTo(200);

        assertThat(ops.follow(done, Report.class, p -> { }).get(10, TimeUnit.SECONDS)).isEqualTo(new Report(2029, 7));
    }

    @Test
    void aResultThatDoesNotBindToTheRequestedTypeFailsTheFutureSayingSo() throws Exception {
        ClientResponse done = http.post(base + "/reports").header("X-Owner", "alice").header("Prefer", "wait=5")
                .json(new ReportRequest(2029)).send().get(10, TimeUnit.SECONDS);

        assertThatThrownBy(() -> ops.follow(done, Integer.class, p -> { }).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(dev.baton.client.HttpClientException.class)
                .hasMessageContaining("cannot read the result").hasMessageContaining("as Integer");
    }

    @Test
    void anUnknownTypeIsRefusedWith404AndTheServersProblem() {
        assertThatThrownBy(() -> ops.submit("no-such-type", new ReportRequest(1), Report.class).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(HttpStatusException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.response().as(Problem.class).status()).isEqualTo(404);
                    assertThat(e).hasMessageContaining("answered 404");
                });
    }

    @Test
    void inputThatDoesNotBindToTheTypeIsRefusedWith400() {
        assertThatThrownBy(() -> ops.submit("report", "not a request", Report.class).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void inputOverTheServersLimitIsRefusedWith413() {
        assertThatThrownBy(() -> ops.submit("report", java.util.Map.of("year", 1, "padding", "x".repeat(5000)), Report.class)
                .get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void anOperationWithoutInputOrResultCompletesWithNull() throws Exception {
        assertThat(ops.submit("nothing", null, Void.class).get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aProgressCallbackThatThrowsDoesNotBreakTheFollow() throws Exception {
        List<OperationProgress> seen = new CopyOnWriteArrayList<>();
        Runnable release = releaseAt25(seen);
        Report report = ops.submit("report", new ReportRequest(2030), Report.class, p -> {
            seen.add(p);
            release.run();
            throw new IllegalStateException("a broken progress bar");
        }).get(10, TimeUnit.SECONDS);

        assertThat(report).isEqualTo(new Report(2030, 42));
        assertThat(seen.size()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aTimeoutStopsTheFollowAndReleasesItsStreamButLeavesTheOperationRunning() throws Exception {
        CompletableFuture<Thread> follower = new CompletableFuture<>();
        CompletableFuture<String> running = new CompletableFuture<>();
        CompletableFuture<Void> endless = ops.submit("endless", null, Void.class, p -> {
            follower.complete(Thread.currentThread());
            if (p.percentComplete() == 10) {
                running.complete(p.id());
            }
        });
        String id = running.get(10, TimeUnit.SECONDS);

        endless.orTimeout(1, TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> endless.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(TimeoutException.class);
        assertThat(follower.get().join(Duration.ofSeconds(5))).as("the follow's thread ended").isTrue();
        Await.until("no connection of the client is busy", Duration.ofSeconds(5),
                () -> http.stats().hosts().values().stream().allMatch(h -> h.open() == h.idle()));
        assertThat(status(id)).as("a timeout is no cancel").isEqualTo("running");
        assertThat(tokenFired).isNotDone();
    }

    private String status(String id) {
        return http.get(base + "/operations/" + id).header("X-Owner", "alice").send(dev.baton.client.BodyReader.as(JsonNode.class))
                .join().get("status").asText();
    }
}
