package dev.baton.client.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A stage derived from a call's future or a fan-out's ({@code thenApply}, {@code handle},
 * {@code whenComplete}, {@code thenCompose}, {@code exceptionally}... and those derived from
 * them). A plain dependent stage cannot pass cancellation upstream, so cancelling one would
 * leave its call running to its own timeout; this one, completed from outside ({@code cancel},
 * {@code complete}, {@code completeExceptionally}, {@code orTimeout}) while its source is still
 * running, ends the source too: the call is aborted and its connection closed, or the fan-out's
 * calls are. Once the source has its outcome, it is left alone (the stage then waits on its own
 * function, or on the stage a {@code thenCompose} function returned, which it cannot reach).
 *
 * <p>Like the source itself, it stands for the call: every consumer of the call sees it end.
 * {@link #copy()} gives a plain future instead, for a consumer that may give up on its own.
 *
 * <pre>{@code CompletableFuture<Integer> n = client.get(uri).send(text()).thenApply(String::length); n.cancel(true); // aborts the call}</pre>
 */
public final class DerivedStage<T> extends CompletableFuture<T> {
    private final CompletableFuture<?> source;
    private final String description;

    /** {@code source} ends when failed from outside: a {@link CallFuture} or a fan-out's future. */
    public DerivedStage(CompletableFuture<?> source, String description) {
        this.source = source;
        this.description = description;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new DerivedStage<>(source, description);
    }

    /**
     * Completes this stage with {@code value}, then ends the source if it is still running. This
     * stage first: ending the source first would complete this stage through the dependency.
     */
    @Override
    public boolean complete(T value) {
        if (!super.complete(value)) {
            return false;
        }
        endSource(new CancellationException(description + " was abandoned: a stage derived from it was completed by its caller"));
        return true;
    }

    @Override
    public boolean completeExceptionally(Throwable error) {
        if (!super.completeExceptionally(error)) {
            return false;
        }
        CancellationException e = new CancellationException(description + " was abandoned: a stage derived from it failed ("
                + error + ")");
        e.initCause(error);
        endSource(e);
        return true;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            endSource(new CancellationException(description + " was cancelled through a stage derived from it"));
        }
        return cancelled;
    }

    /** A plain future with this stage's outcome: cancelling or completing it ends nothing else. */
    @Override
    public CompletableFuture<T> copy() {
        return plainCopy(this);
    }

    private void endSource(CancellationException why) {
        source.completeExceptionally(why); // a no-op once the source has its outcome
    }

    /** A plain future completed as {@code stage} is, as {@link CompletableFuture#copy()} would (a failure wrapped). */
    public static <T> CompletableFuture<T> plainCopy(CompletableFuture<T> stage) {
        CompletableFuture<T> copy = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            if (error == null) {
                copy.complete(value);
            } else {
                copy.completeExceptionally(error instanceof CompletionException ? error : new CompletionException(error));
            }
        });
        return copy;
    }
}
