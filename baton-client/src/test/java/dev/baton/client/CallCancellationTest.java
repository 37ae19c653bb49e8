package dev.baton.client;

import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.context.CancellationReason;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Completing a call's future from outside, or a stage derived from it, before the response. */
class CallCancellationTest {
    final Servers servers = new Servers();
    final CompletableFuture<CancellationReason> backendCancelled = new CompletableFuture<>();
    final CountDownLatch arrived = new CountDownLatch(1);
    final CompletableFuture<String> gate = new CompletableFuture<>();
    Server backend;
    HttpClient client;

    @BeforeEach
    void start() {
        backend = servers.start(r -> {
            r.get("/never", ctx -> {
                ctx.cancellation().onCancel(backendCancelled::complete);
                arrived.countDown();
                return new CompletableFuture<String>();
            }).noTimeout().execution(ExecutionModel.EVENT_LOOP);
            r.get("/gated", ctx -> {
                ctx.cancellation().onCancel(backendCancelled::complete);
                arrived.countDown();
                return gate;
            }).noTimeout().execution(ExecutionModel.EVENT_LOOP);
            r.get("/fast", ctx -> "fast");
        });
        // retries on: an aborted call must not try again
        client = servers.client(b -> b.retry(RetryPolicy.builder().backoff(Duration.ofMillis(5), Duration.ofMillis(5)).build()));
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    private CompletableFuture<String> call(String path) throws InterruptedException {
        CompletableFuture<String> f = client.get(url(backend, path)).send(BodyReader.text());
        assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
        return f;
    }

    /** The backend saw the disconnect, and the call made one attempt and ended. */
    private void assertTheCallWasAborted(CompletableFuture<?> call) throws Exception {
        assertThat(backendCancelled.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
        assertThat(call).isDone();
        assertThat(client.stats().attempts()).isEqualTo(1);
        assertThat(client.stats().retries()).isZero();
        // the backend saw the close; the pool counts it once the channel's close completes, on its loop
        dev.baton.testing.await.Await.until("the aborted call's connection is closed", java.time.Duration.ofSeconds(5),
                () -> client.stats().hosts().get("127.0.0.1:" + backend.port()).open() == 0);
    }

    @Test
    void orTimeoutOnTheCallsFutureAbortsTheCallAndClosesItsConnection() throws Exception {
        CompletableFuture<String> f = call("/never");
        f.orTimeout(100, TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TimeoutException.class);
        assertTheCallWasAborted(f);
    }

    @Test
    void completeExceptionallyOnTheCallsFutureBeforeItsResponseAbortsTheCall() throws Exception {
        CompletableFuture<String> f = call("/never");
        assertThat(f.completeExceptionally(new IllegalStateException("gave up"))).isTrue();

        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().hasMessage("gave up");
        assertTheCallWasAborted(f);
    }

    @Test
    void cancellingAThenApplyStageDerivedFromTheCallAbortsTheCall() throws Exception {
        CompletableFuture<String> f = call("/never");
        CompletableFuture<Integer> length = f.thenApply(String::length);

        assertThat(length.cancel(true)).isTrue();
        assertThat(length).isCancelled();
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class)
                .hasStackTraceContaining("was cancelled through a stage derived from it");
        assertTheCallWasAborted(f);
        assertThat(client.stats().cancelled()).isEqualTo(1);
    }

    @Test
    void aStageSeveralStepsFromTheCallCarriesATimeoutBackToIt() throws Exception {
        CompletableFuture<String> f = call("/never");
        CompletableFuture<String> page = f.thenApply(String::length).exceptionally(e -> -1)
                .thenCompose(n -> CompletableFuture.completedFuture("length " + n))
                .orTimeout(100, TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> page.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TimeoutException.class);
        assertTheCallWasAborted(f);
        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class).hasRootCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void aFallbackValueCompletingADerivedStageAbortsTheCall() throws Exception {
        CompletableFuture<String> f = call("/never");
        CompletableFuture<String> shown = f.thenApply(String::toUpperCase);

        assertThat(shown.complete("cached")).isTrue();
        assertThat(shown.join()).isEqualTo("cached");
        assertTheCallWasAborted(f);
    }

    @Test
    void aCopyOrAMinimalStageCanBeGivenUpWithoutEndingTheCall() throws Exception {
        CompletableFuture<String> f = call("/gated");
        CompletableFuture<String> copy = f.copy();
        CompletableFuture<Integer> copyOfDerived = f.thenApply(String::length).copy();
        CompletableFuture<String> fromMinimal = f.minimalCompletionStage().toCompletableFuture();

        assertThat(copy.cancel(true)).isTrue();
        assertThat(copyOfDerived.cancel(true)).isTrue();
        assertThat(fromMinimal.cancel(true)).isTrue();
        gate.complete("answer");

        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("answer");
        assertThat(backendCancelled).isNotDone();
        assertThat(client.stats().cancelled()).isZero();
    }

    @Test
    void aDerivedStageCancelledAfterItsCallEndedLeavesTheCallAlone() throws Exception {
        CompletableFuture<String> f = client.get(url(backend, "/fast")).send(BodyReader.text());
        CompletableFuture<String> next = f.thenCompose(s -> new CompletableFuture<>()); // waits on something else
        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("fast");

        assertThat(next.cancel(true)).isTrue();
        assertThat(f.join()).isEqualTo("fast");
        assertThat(client.stats().cancelled()).isZero();
        assertThat(client.stats().failures()).isZero();
        assertThat(client.stats().hosts().get("127.0.0.1:" + backend.port()).idle()).as("its connection went back").isEqualTo(1);
    }
}
