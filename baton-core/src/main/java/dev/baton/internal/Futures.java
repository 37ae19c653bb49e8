package dev.baton.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * What a failed future failed with: the one rule every Baton module uses to see through the
 * wrappers {@code CompletableFuture} puts around a cause.
 *
 * <pre>{@code stage.whenComplete((v, e) -> log(Futures.unwrap(e)))}</pre>
 */
public final class Futures {

    private Futures() {
    }

    /** {@code error} without its {@link CompletionException} and {@link ExecutionException} wrappers (null stays null). */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * {@code stage} mapped by {@code fn}, where cancelling the result cancels {@code stage} too:
     * a timeout or a disconnect that cancels what the server waits on must reach the handler's
     * own work beneath it.
     */
    public static <T, R> CompletableFuture<R> map(CompletionStage<T> stage, Function<? super T, ? extends R> fn) {
        CompletableFuture<R> derived = stage.<R>thenApply(fn).toCompletableFuture();
        if (stage instanceof CompletableFuture<?> source) {
            derived.whenComplete((v, e) -> {
                if (e instanceof CancellationException) {
                    source.cancel(false);
                }
            });
        }
        return derived;
    }
}
