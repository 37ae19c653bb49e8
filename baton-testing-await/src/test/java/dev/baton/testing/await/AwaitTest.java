package dev.baton.testing.await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    private static final Duration SHORT = Duration.ofMillis(100);
    private static final Duration LONG = Duration.ofSeconds(5);

    /** A count that reaches {@code n} after {@code n} reads: a condition that takes a few polls. */
    private static AtomicInteger reads() {
        return new AtomicInteger();
    }

    @Test
    void untilReturnsAsSoonAsTheConditionHolds() {
        AtomicInteger reads = reads();
        long start = System.nanoTime();
        Await.until("three reads", LONG, () -> reads.incrementAndGet() >= 3);
        assertThat(reads).hasValue(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LONG);
    }

    @Test
    void untilFailsWithWhatWasAwaitedAndForHowLong() {
        assertThatThrownBy(() -> Await.until("the moon is blue", SHORT, () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessage("not true within 100 ms: the moon is blue");
        assertThatThrownBy(() -> Await.until(SHORT, () -> false)).hasMessage("not true within 100 ms");
    }

    @Test
    void theConditionIsReadOnceMoreAtTheDeadline() {
        // true only once the deadline has passed: the last look, at the deadline, sees it
        long end = System.nanoTime() + SHORT.toNanos();
        Await.until("past the deadline", SHORT, () -> System.nanoTime() - end >= 0);
    }

    @Test
    void aValueIsReturnedOnceAccepted() {
        AtomicInteger reads = reads();
        int value = Await.until("a value of 4", LONG, reads::incrementAndGet, v -> v == 4);
        assertThat(value).isEqualTo(4);
    }

    @Test
    void aValueNeverAcceptedFailsWithTheLastOne() {
        assertThatThrownBy(() -> Await.until("the answer", SHORT, () -> "41", v -> v.equals("42")))
                .isInstanceOf(AssertionError.class)
                .hasMessage("not true within 100 ms: the answer; last value: 41");
        assertThatThrownBy(() -> Await.until(SHORT, () -> 41, v -> v == 42))
                .hasMessage("not true within 100 ms; last value: 41");
    }

    @Test
    void anExceptionFromTheConditionFailsAtOnce() {
        IllegalStateException boom = new IllegalStateException("boom");
        long start = System.nanoTime();
        assertThatThrownBy(() -> Await.until("never", LONG, () -> {
            throw boom;
        })).isSameAs(boom);
        IOException io = new IOException("refused");
        assertThatThrownBy(() -> Await.until("a node", LONG, () -> {
            throw io;
        }, v -> true)).isInstanceOf(AssertionError.class).hasMessageContaining("a node").hasCause(io);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LONG);
    }

    @Test
    void untilAssertedRetriesAssertionsAndFailsWithTheLastOne() {
        AtomicInteger reads = reads();
        Await.untilAsserted(LONG, () -> assertThat(reads.incrementAndGet()).isEqualTo(3));
        assertThat(reads).hasValue(3);
        assertThatThrownBy(() -> Await.untilAsserted(SHORT, () -> assertThat(1).as("one").isEqualTo(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("still failing after 100 ms: [one]")
                .cause().isInstanceOf(AssertionError.class);
    }

    @Test
    void duringChecksTheWholePeriodAndFailsAtTheFirstLapse() {
        long start = System.nanoTime();
        Await.during("steady", SHORT, () -> true);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT);

        AtomicInteger reads = reads();
        assertThatThrownBy(() -> Await.during("the counter stays below 3", LONG, () -> reads.incrementAndGet() < 3))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("stopped holding after ")
                .hasMessageEndingWith(" ms of 5000 ms: the counter stays below 3");
    }

    @Test
    void everyPollsAtItsOwnInterval() {
        AtomicInteger reads = reads();
        long start = System.nanoTime();
        Await.every(Duration.ofMillis(50)).until("three reads", LONG, () -> reads.incrementAndGet() >= 3);
        // three reads, two pauses of 50 ms between them
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(Await.every(Duration.ofMillis(50)).until(LONG, () -> 7, v -> v == 7)).isEqualTo(7);
        assertThatThrownBy(() -> Await.every(Duration.ofMillis(50)).until("never", SHORT, () -> false))
                .hasMessage("not true within 100 ms: never");
        assertThatThrownBy(() -> Await.every(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Await.every(Duration.ofMillis(50))).hasToString("Await.every(PT0.05S)");
    }

    @Test
    void resultWaitsForTheValue() {
        CompletionStage<String> later = CompletableFuture.supplyAsync(() -> "done",
                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        assertThat(Await.result(later, LONG)).isEqualTo("done");
    }

    @Test
    void resultFailsOnTimeoutWithoutTouchingTheStage() {
        CompletableFuture<String> never = new CompletableFuture<>();
        assertThatThrownBy(() -> Await.result(never, SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("no outcome within 100 ms");
        assertThat(never).isNotDone();
    }

    @Test
    void resultFailsWithTheStagesFailureAsCause() {
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<String> failed = CompletableFuture.supplyAsync(() -> {
            throw boom;
        });
        assertThatThrownBy(() -> Await.result(failed, LONG))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected a result, but the stage failed: " + boom)
                .hasCause(boom);
    }

    @Test
    void failureReturnsTheUnwrappedCauseAndFailsOnSuccess() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThat(Await.failure(CompletableFuture.failedFuture(boom).thenApply(v -> v), LONG)).isSameAs(boom);
        assertThatThrownBy(() -> Await.failure(CompletableFuture.completedFuture(7), LONG))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected a failure, but the stage completed with: 7");
    }

    @Test
    void aMinimalStageIsWaitedOnToo() {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletionStage<String> minimal = source.minimalCompletionStage();
        CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(() -> source.complete("minimal"));
        assertThat(Await.result(minimal, LONG)).isEqualTo("minimal");
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheStatus() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Await.until("never", LONG, () -> false))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("interrupted while waiting: never");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
