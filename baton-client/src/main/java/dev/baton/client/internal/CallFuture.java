package dev.baton.client.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The stage a call returns: cancelling it aborts the call and closes its connection. Hooks run
 * just before it completes, ahead of every dependent stage (they run newest first, so a plain
 * dependent registered early would run last): whoever waits on the call sees its bookkeeping
 * and its numbers already done. Completing it from outside ({@code complete},
 * {@code completeExceptionally}, {@code cancel}, and so {@code orTimeout} and
 * {@code completeOnTimeout}) before the response aborts the call and closes its connection, as
 * a timeout that fails the stage needs; the client settles it through {@link #succeed} and
 * {@link #fail}. Its dependent stages are {@link DerivedStage}s, which do the same when
 * completed from outside; {@link #copy()} and {@code minimalCompletionStage()} are plain, for
 * a consumer whose giving up must not end the call. The JDK's {@code completeAsync} and
 * {@code obtrude*} bypass this; while one completion runs its hooks, a racing one returns false
 * a moment before {@code isDone()} turns true.
 */
public final class CallFuture<T> extends CompletableFuture<T> {
    private final CallState call;
    private final String description;
    /** Runs with the error (null on success) of the completion that wins, before it is visible. */
    private final Consumer<Throwable> settled;
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicReference<Runnable> beforeCompletion = new AtomicReference<>();

    public CallFuture(CallState call, String description, Consumer<Throwable> settled) {
        this.call = call;
        this.description = description;
        this.settled = settled;
        call.whenAborted().thenAccept(this::fail);
    }

    /** The call's own outcome (the client completes it here): nothing to abort. */
    public boolean succeed(T value) {
        return settle(null, () -> super.complete(value));
    }

    /** The call's own failure (the client completes it here): nothing to abort. */
    public boolean fail(Throwable error) {
        return settle(error, () -> super.completeExceptionally(error));
    }

    /** Runs {@code hook} once, before this future completes (the inbound request's bookkeeping). */
    public void beforeCompletion(Runnable hook) {
        beforeCompletion.set(hook);
        // settled already (the inbound token had fired, and aborted the call as it was tied to it)
        if (done.get() && beforeCompletion.compareAndSet(hook, null)) {
            hook.run();
        }
    }

    /**
     * Completed from outside before the response (a fallback value, say): the value wins, then the
     * call is aborted and its connection closed. A no-op once the future is done.
     */
    @Override
    public boolean complete(T value) {
        if (!succeed(value)) {
            return false;
        }
        call.abort(new CancellationException(description + " was completed by its caller before its response"));
        return true;
    }

    /**
     * Failed from outside before the response (a timeout, say): the error wins, then the call is
     * aborted and its connection closed. A no-op once the future is done (a streamed body that
     * is still arriving is left alone).
     */
    @Override
    public boolean completeExceptionally(Throwable error) {
        if (!fail(error)) {
            return false;
        }
        call.abort(error);
        return true;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        CancellationException e = new CancellationException(description + " was cancelled");
        call.abort(e); // completes this future through whenAborted, unless the call had ended
        fail(e);
        return isCancelled();
    }

    /** Dependent stages ({@code thenApply}, {@code handle}...) carry cancellation back to the call. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new DerivedStage<>(this, description);
    }

    /** A plain future with the call's outcome: cancelling or completing it leaves the call alone. */
    @Override
    public CompletableFuture<T> copy() {
        return DerivedStage.plainCopy(this);
    }

    /** True for the one completion that wins: it runs the hooks, then {@code completion}. */
    private boolean settle(Throwable error, Runnable completion) {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        try {
            Runnable hook = beforeCompletion.getAndSet(null);
            if (hook != null) {
                hook.run();
            }
        } finally {
            try {
                settled.accept(error);
            } finally { // a failing hook must not leave the call without its outcome
                completion.run();
            }
        }
        return true;
    }
}
