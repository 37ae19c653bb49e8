package dev.baton.client;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs calls in parallel and joins them. The first failure fails the whole and cancels the
 * siblings still running (a call's own future aborts its exchange and closes its connection
 * when cancelled, so return the stage {@link Call#send} gives, or one that passes cancellation on).
 *
 * <pre>{@code
 * FanOut.of(() -> client.get(a).in(ctx).send(as(Gizmo.class)),
 *           () -> client.get(b).in(ctx).send(as(Stock.class)))
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

    private static CompletableFuture<List<Object>> run(List<? extends Supplier<? extends CompletionStage<?>>> calls) {
        CompletableFuture<List<Object>> all = new CompletableFuture<>();
        List<CompletableFuture<?>> started = new CopyOnWriteArrayList<>();
        Object[] results = new Object[calls.size()];
        AtomicInteger left = new AtomicInteger(calls.size());
        java.util.concurrent.atomic.AtomicReference<Throwable> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        all.whenComplete((r, e) -> {
            if (e != null) {
                started.forEach(f -> f.cancel(true));
            }
        });
        if (calls.isEmpty()) {
            all.complete(List.of());
        }
        for (int i = 0; i < calls.size() && !all.isDone(); i++) {
            int index = i;
            CompletableFuture<?> f;
            try {
                f = calls.get(i).get().toCompletableFuture();
            } catch (RuntimeException e) {
                firstError.compareAndSet(null, e);
                started.forEach(s -> s.cancel(true));
                all.completeExceptionally(e);
                break;
            }
            started.add(f);
            f.whenComplete((value, error) -> {
                if (error != null) {
                    Throwable cause = error instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : error;
                    if (!firstError.compareAndSet(null, cause)) {
                        return; // a sibling cancelled because another failed first
                    }
                    // the siblings first: whoever waits on the result must find them ended (a request's
                    // response completes with it, and its pending work must be done by then)
                    started.forEach(s -> s.cancel(true));
                    all.completeExceptionally(cause);
                } else {
                    results[index] = value;
                    if (left.decrementAndGet() == 0) {
                        all.complete(Collections.unmodifiableList(Arrays.asList(results)));
                    }
                }
            });
        }
        if (all.isCompletedExceptionally()) {
            started.forEach(f -> f.cancel(true)); // those started while the failure was being handled
        }
        return all;
    }
}
