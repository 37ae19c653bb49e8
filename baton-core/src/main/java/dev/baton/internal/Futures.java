package dev.baton.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

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
}
