package dev.baton.testing.await;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waiting in tests without sleeping: polls a condition until it holds or a deadline passes, then
 * fails with an {@link AssertionError} that says what was awaited, for how long, and (for a
 * value) what it last was. The deadline bounds a broken test; a passing one waits only as long
 * as the condition takes.
 *
 * <pre>{@code
 * Await.until("the pool is empty", Duration.ofSeconds(5), () -> client.stats().hosts().get(host).open() == 0);
 * JsonNode op = Await.until("terminal", Duration.ofSeconds(10), () -> get("/operations/" + id), r -> r.path("done").asBoolean());
 * String body = Await.result(client.get(url).send(text()), Duration.ofSeconds(5));
 * }</pre>
 *
 * A condition is polled on the calling thread every {@value #POLL_MILLIS} ms, once more at the
 * deadline, and must not block for long. An exception it throws fails the wait at once (a checked
 * one wrapped in an {@link AssertionError}), as it would outside a wait. An interrupt ends the
 * wait with an {@link AssertionError} and the thread's interrupt status set.
 */
public final class Await {
    /** The polling interval, in milliseconds: short beside any deadline, long beside a condition's cost. */
    public static final long POLL_MILLIS = 10;

    private static final Polling DEFAULT = new Polling(Duration.ofMillis(POLL_MILLIS));

    private Await() {
    }

    /**
     * Polls {@code condition} until it is true.
     *
     * @throws AssertionError if it is still false after {@code within}
     */
    public static void until(Duration within, BooleanSupplier condition) {
        DEFAULT.until(within, condition);
    }

    /**
     * Polls {@code condition} until it is true; {@code what} names it in the failure.
     *
     * @throws AssertionError if it is still false after {@code within}: {@code "not true within 5000 ms: what"}
     */
    public static void until(String what, Duration within, BooleanSupplier condition) {
        DEFAULT.until(what, within, condition);
    }

    /**
     * Reads {@code value} until {@code condition} accepts it, and returns that value.
     *
     * @throws AssertionError if no value read within {@code within} was accepted; the failure holds the last one
     */
    public static <T> T until(Duration within, Callable<? extends T> value, Predicate<? super T> condition) {
        return DEFAULT.until(within, value, condition);
    }

    /**
     * Reads {@code value} until {@code condition} accepts it, and returns that value; {@code what}
     * names it in the failure.
     *
     * @throws AssertionError if no value read within {@code within} was accepted:
     *                        {@code "not true within 5000 ms: what; last value: ..."}
     */
    public static <T> T until(String what, Duration within, Callable<? extends T> value, Predicate<? super T> condition) {
        return DEFAULT.until(what, within, value, condition);
    }

    /**
     * Runs {@code assertions} until they pass (throw no {@link AssertionError}), such as AssertJ's
     * on a snapshot of numbers counted just after a response goes out.
     *
     * <pre>{@code Await.untilAsserted(Duration.ofSeconds(5), () -> assertThat(server.stats().completed()).isEqualTo(3));}</pre>
     *
     * @throws AssertionError if they still fail after {@code within}: the last failure's message, and it as the cause
     */
    public static void untilAsserted(Duration within, Runnable assertions) {
        DEFAULT.untilAsserted(within, assertions);
    }

    /**
     * Checks that {@code condition} stays true for the whole of {@code period}, polling it: for
     * what must not happen (a counter that must not move, a connection that must stay open).
     * Unlike the other waits, this one always takes {@code period}.
     *
     * @throws AssertionError as soon as it is false: {@code "stopped holding after 120 ms of 500 ms: what"}
     */
    public static void during(String what, Duration period, BooleanSupplier condition) {
        DEFAULT.during(what, period, condition);
    }

    /**
     * The same waits, polling every {@code interval} instead of every {@value #POLL_MILLIS} ms: a
     * longer one for a condition that costs (a database query, a request to another process).
     *
     * <pre>{@code Await.every(Duration.ofMillis(50)).until("all terminal", Duration.ofSeconds(40), () -> countRunning() == 0);}</pre>
     */
    public static Polling every(Duration interval) {
        return new Polling(interval);
    }

    /** The waits with a polling interval of their own: {@link #every(Duration)}. Immutable. */
    public static final class Polling {
        private final long intervalNanos;

        private Polling(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("a polling interval must be positive: " + interval);
            }
            this.intervalNanos = interval.toNanos();
        }

        /** As {@link Await#until(Duration, BooleanSupplier)}, at this polling interval. */
        public void until(Duration within, BooleanSupplier condition) {
            until(null, within, condition);
        }

        /** As {@link Await#until(String, Duration, BooleanSupplier)}, at this polling interval. */
        public void until(String what, Duration within, BooleanSupplier condition) {
            Objects.requireNonNull(condition, "condition");
            long end = deadline(within);
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() - end >= 0) {
                    throw new AssertionError("not true within " + within.toMillis() + " ms" + named(what));
                }
                pause(end, what);
            }
        }

        /** As {@link Await#until(Duration, Callable, Predicate)}, at this polling interval. */
        public <T> T until(Duration within, Callable<? extends T> value, Predicate<? super T> condition) {
            return until(null, within, value, condition);
        }

        /** As {@link Await#until(String, Duration, Callable, Predicate)}, at this polling interval. */
        public <T> T until(String what, Duration within, Callable<? extends T> value, Predicate<? super T> condition) {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(condition, "condition");
            long end = deadline(within);
            while (true) {
                T last = read(value, what);
                if (condition.test(last)) {
                    return last;
                }
                if (System.nanoTime() - end >= 0) {
                    throw new AssertionError("not true within " + within.toMillis() + " ms" + named(what) + "; last value: " + last);
                }
                pause(end, what);
            }
        }

        /** As {@link Await#untilAsserted(Duration, Runnable)}, at this polling interval. */
        public void untilAsserted(Duration within, Runnable assertions) {
            Objects.requireNonNull(assertions, "assertions");
            long end = deadline(within);
            while (true) {
                try {
                    assertions.run();
                    return;
                } catch (AssertionError e) {
                    if (System.nanoTime() - end >= 0) {
                        throw new AssertionError("still failing after " + within.toMillis() + " ms: " + e.getMessage(), e);
                    }
                }
                pause(end, null);
            }
        }

        /** As {@link Await#during(String, Duration, BooleanSupplier)}, at this polling interval. */
        public void during(String what, Duration period, BooleanSupplier condition) {
            Objects.requireNonNull(condition, "condition");
            long start = System.nanoTime();
            long end = deadline(period);
            while (true) {
                if (!condition.getAsBoolean()) {
                    throw new AssertionError("stopped holding after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                            + " ms of " + period.toMillis() + " ms" + named(what));
                }
                if (System.nanoTime() - end >= 0) {
                    return;
                }
                pause(end, what);
            }
        }

        /** Sleeps one polling interval, or what is left before {@code end} if that is less. */
        private void pause(long end, String what) {
            long nanos = Math.min(intervalNanos, Math.max(0, end - System.nanoTime()));
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(nanos, 100_000)); // the polling interval, not a wait for the condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting" + named(what), e);
            }
        }

        @Override
        public String toString() {
            return "Await.every(" + Duration.ofNanos(intervalNanos) + ")";
        }
    }

    /**
     * Waits for {@code stage}'s value. The stage is only waited on: on timeout it is neither
     * cancelled nor completed.
     *
     * @throws AssertionError if it has no outcome within {@code within}, or if it fails (the failure,
     *                        unwrapped from {@link CompletionException} and {@link ExecutionException}, is the cause)
     */
    public static <T> T result(CompletionStage<T> stage, Duration within) {
        CompletableFuture<T> future = future(stage);
        try {
            return future.get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no outcome within " + within.toMillis() + " ms: " + future);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = unwrap(e);
            throw new AssertionError("expected a result, but the stage failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + future, e);
        }
    }

    /**
     * Waits for {@code stage} to fail and returns why, unwrapped from {@link CompletionException}
     * and {@link ExecutionException}: for {@code assertThat(Await.failure(call, d)).isInstanceOf(...)}.
     *
     * @throws AssertionError if it has no outcome within {@code within}, or if it succeeds
     */
    public static Throwable failure(CompletionStage<?> stage, Duration within) {
        CompletableFuture<?> future = future(stage);
        Object value;
        try {
            value = future.get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no outcome within " + within.toMillis() + " ms: " + future);
        } catch (ExecutionException | CancellationException e) {
            return unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + future, e);
        }
        throw new AssertionError("expected a failure, but the stage completed with: " + value);
    }

    private static long deadline(Duration within) {
        if (within.isNegative()) {
            throw new IllegalArgumentException("a negative time to wait: " + within);
        }
        return System.nanoTime() + within.toNanos();
    }

    private static String named(String what) {
        return what == null ? "" : ": " + what;
    }

    private static <T> T read(Callable<? extends T> value, String what) {
        try {
            return value.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("reading the value threw" + named(what) + ": " + e, e);
        }
    }

    private static <T> CompletableFuture<T> future(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        try {
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException e) {
            // a stage that has no CompletableFuture of its own: observe it, without completing it
            CompletableFuture<T> f = new CompletableFuture<>();
            stage.whenComplete((v, t) -> {
                if (t != null) {
                    f.completeExceptionally(t);
                } else {
                    f.complete(v);
                }
            });
            return f;
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
