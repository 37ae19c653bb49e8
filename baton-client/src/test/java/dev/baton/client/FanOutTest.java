package dev.baton.client;

import static dev.baton.client.Servers.later;
import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.context.CancellationReason;
import dev.baton.http.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FanOutTest {
    final Servers servers = new Servers();
    final List<CancellationReason> cancelled = new CopyOnWriteArrayList<>();
    final CountDownLatch slowArrived = new CountDownLatch(2);
    final CountDownLatch slowCancelled = new CountDownLatch(2);
    Server backend;
    HttpClient client;

    @BeforeEach
    void start() {
        backend = servers.start(r -> {
            r.get("/sleep/{ms}", ctx -> later(ctx.request().path("ms").asLong(), ctx.request().path("ms").asString()))
                    .execution(ExecutionModel.EVENT_LOOP);
            r.get("/never", ctx -> {
                ctx.cancellation().onCancel(why -> {
                    cancelled.add(why);
                    slowCancelled.countDown();
                });
                slowArrived.countDown();
                return new CompletableFuture<String>();
            }).noTimeout().execution(ExecutionModel.EVENT_LOOP);
            r.get("/fail", ctx -> {
                slowArrived.await(5, TimeUnit.SECONDS);
                return Response.status(500).text("broken");
            });
        });
        client = servers.client(b -> b.retry(RetryPolicy.none()));
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    private Supplier<CompletableFuture<String>> get(String path) {
        return () -> client.get(url(backend, path)).send(BodyReader.text());
    }

    @Test
    void threeParallelCallsOf300MillisecondsEndInWellUnder900() throws Exception {
        long start = System.nanoTime();
        FanOut.Three<String, String, String> r = FanOut.of(get("/sleep/300"), get("/sleep/300"), get("/sleep/300"))
                .get(5, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(r).isEqualTo(new FanOut.Three<>("300", "300", "300"));
        assertThat(took).isBetween(Duration.ofMillis(295), Duration.ofMillis(750));
    }

    @Test
    void allKeepsTheOrderOfTheCalls() throws Exception {
        List<String> r = FanOut.all(List.of(get("/sleep/120"), get("/sleep/10"), get("/sleep/60"))).get(5, TimeUnit.SECONDS);
        assertThat(r).containsExactly("120", "10", "60");
    }

    @Test
    void theSiblingsAreAlreadyCancelledWhenTheCallerSeesTheFailure() throws Exception {
        List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
        Supplier<CompletableFuture<String>> never = () -> {
            CompletableFuture<String> f = get("/never").get();
            calls.add(f);
            return f;
        };
        CompletableFuture<Boolean> siblingsDone = FanOut.all(List.of(never, never, get("/fail")))
                .handle((r, e) -> calls.stream().allMatch(CompletableFuture::isDone));
        // a request's response completes in such a dependent: its pending work must have ended by then
        assertThat(siblingsDone.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void siblingsReturnedAsDerivedStagesAreCancelledWhenOneFails() throws Exception {
        List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
        Supplier<CompletableFuture<Integer>> derived = () -> {
            CompletableFuture<String> call = get("/never").get();
            calls.add(call);
            return call.thenApply(String::length);
        };
        Supplier<CompletableFuture<Integer>> failing = () -> get("/fail").get().thenApply(String::length);
        CompletableFuture<Boolean> callsEnded = FanOut.all(List.of(derived, derived, failing))
                .handle((r, e) -> calls.stream().allMatch(CompletableFuture::isDone));

        assertThat(callsEnded.get(5, TimeUnit.SECONDS)).as("the calls behind the stages ended first").isTrue();
        assertThat(slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelled).containsExactly(CancellationReason.CLIENT_DISCONNECT, CancellationReason.CLIENT_DISCONNECT);
        assertThat(client.stats().cancelled()).isEqualTo(2);
    }

    @Test
    void cancellingAStageDerivedFromAFanOutCancelsEveryCallInIt() throws Exception {
        CompletableFuture<String> page = FanOut.of(get("/never"), get("/never")).thenApply(both -> both.first() + both.second());
        assertThat(slowArrived.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(page.cancel(true)).isTrue();
        assertThat(slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelled).containsExactly(CancellationReason.CLIENT_DISCONNECT, CancellationReason.CLIENT_DISCONNECT);
        assertThat(client.stats().cancelled()).isEqualTo(2);
    }

    @Test
    void aFanOutThatTimesOutWithOrTimeoutCancelsEveryCallInIt() throws Exception {
        CompletableFuture<List<String>> all = FanOut.all(List.of(get("/never"), get("/never"))).orTimeout(200, TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> all.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(client.stats().cancelled()).isEqualTo(2);
        // the backend saw the close; the pool counts it once the channel's close completes, on its loop
        dev.baton.testing.await.Await.until("the aborted call's connection is closed", java.time.Duration.ofSeconds(5),
                () -> client.stats().hosts().get("127.0.0.1:" + backend.port()).open() == 0);
    }

    @Test
    void aFailingSiblingCancelsTheOthers() throws Exception {
        long start = System.nanoTime();
        CompletableFuture<List<String>> all = FanOut.all(List.of(get("/never"), get("/never"), get("/fail")));

        assertThatThrownBy(() -> all.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(HttpStatusException.class)
                .hasMessageContaining("answered 500: broken");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelled).containsExactly(CancellationReason.CLIENT_DISCONNECT, CancellationReason.CLIENT_DISCONNECT);
        assertThat(client.stats().cancelled()).isEqualTo(2);
    }
}
