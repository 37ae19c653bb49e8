package dev.baton.client;

import dev.baton.client.internal.DerivedStage;
import dev.baton.internal.Futures;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs calls in parallel and joins them. The first failure fails the whole and cancels the
 * siblings still running (a call's own future, and any stage derived from it with
 * {@code thenApply}, {@code handle} and the like, aborts its exchange and closes its connection
 * when cancelled; a supplier must return one of those, or a stage whose {@code cancel} passes
 * it on). Completing the joined future from outside ({@code cancel}, {@code orTimeout},
 * {@code complete}...), or a stage derived from it, before it is done cancels every call too.
 *
 * <pre>{@code
 * FanOut.of(() -> client.get(a).in(ctx).send(as(Gizmo.class)),
 *           () -> client.get(b).in(ctx).send(as(Stock.class)).thenApply(Stock::count))
 *       .thenApply(both -> new Page(both.first(), both.second()));
 * }</pre>
 */
public final class FanOut {
    private FanOut() {
    }

    /** Two results. */
    public record Two<A, B>(A first, B second) {
    }

    /** Three results. */
    public record Three<A, B, C>(A first, B second, C third) {
    }

    public static <A, B> CompletableFuture<Two<A, B>> of(Supplier<? extends CompletionStage<A>> a,
                                                         Supplier<? extends CompletionStage<B>> b) {
        return run(List.of(a, b)).thenApply(r -> new Two<>(cast(r.get(0)), cast(r.get(1))));
    }

    public static <A, B, C> CompletableFuture<Three<A, B, C>> of(Supplier<? extends CompletionStage<A>> a,
                                                                 Supplier<? extends CompletionStage<B>> b,
                                                                 Supplier<? extends CompletionStage<C>> c) {
        return run(List.of(a, b, c)).thenApply(r -> new Three<>(cast(r.get(0)), cast(r.get(1)), cast(r.get(2))));
    }

    /** Any number of calls of one type; the results come in the order of {@code calls}. */
    public static <T> CompletableFuture<List<T>> all(List<? extends Supplier<? extends CompletionStage<? extends T>>> calls) {
        return run(calls).thenApply(FanOut::cast);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    /**
     * The joined outcome of the calls. The one outcome that wins settles it: a failure, or a
     * completion from outside before the calls all ended, cancels the calls still running first,
     * so whoever waits on it finds them ended. Its dependent stages carry a completion from
     * outside back to it ({@link DerivedStage}).
     */
    private static final class Joined extends CompletableFuture<List<Object>> {
        final List<CompletableFuture<?>> started = new CopyOnWriteArrayList<>();
        private final AtomicBoolean settled = new AtomicBoolean();
        private final String description;

        Joined(int calls) {
            this.description = "a fan-out of " + calls + " calls";
        }

        /** True once an outcome won (it may still be cancelling the calls before it shows). */
        boolean isSettled() {
            return settled.get();
        }

        /** Every call succeeded. */
        boolean succeed(List<Object> results) {
            return settled.compareAndSet(false, true) && super.complete(results);
        }

        /** A call failed (or could not start): the siblings are cancelled first. */
        boolean fail(Throwable error) {
            if (!settled.compareAndSet(false, true)) {
                return false; // a sibling cancelled because another failed first, say
            }
            cancelStarted();
            return super.completeExceptionally(error);
        }

        void cancelStarted() {
            started.forEach(f -> f.cancel(true));
        }

        @Override
        public boolean complete(List<Object> value) {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            cancelStarted();
            return super.complete(value);
        }

        @Override
        public boolean completeExceptionally(Throwable error) {
            return fail(error);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (!settled.compareAndSet(false, true)) {
                return isCancelled();
            }
            cancelStarted();
            return super.cancel(mayInterruptIfRunning);
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new DerivedStage<>(this, description);
        }

        @Override
        public CompletableFuture<List<Object>> copy() {
            return DerivedStage.plainCopy(this);
        }
    }

    private static Joined run(List<? extends Supplier<? extends CompletionStage<?>>> calls) {
        Joined all = new Joined(calls.size());
        Object[] results = new Object[calls.size()];
        AtomicInteger left = new AtomicInteger(calls.size());
        if (calls.isEmpty()) {
            all.succeed(List.of());
        }
        for (int i = 0; i < calls.size() && !all.isSettled(); i++) {
            int index = i;
            CompletableFuture<?> f;
            try {
                f = calls.get(i).get().toCompletableFuture();
            } catch (RuntimeException e) {
                all.fail(e);
                break;
            }
            all.started.add(f);
            f.whenComplete((value, error) -> {
                if (error != null) {
                    all.fail(Futures.unwrap(error));
                } else {
                    results[index] = value;
                    if (left.decrementAndGet() == 0) {
                        all.succeed(Collections.unmodifiableList(Arrays.asList(results)));
                    }
                }
            });
        }
        if (all.isSettled() && left.get() > 0) {
            all.cancelStarted(); // those started while a failure or an outside completion was being handled
        }
        return all;
    }
}
