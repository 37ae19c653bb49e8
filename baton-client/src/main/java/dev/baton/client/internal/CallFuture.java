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
 * and its numbers already done. Complete it only through {@code complete},
 * {@code completeExceptionally} or {@code cancel} (the JDK's {@code completeAsync} and
 * {@code obtrude*} bypass the hooks); while one completion runs its hooks, a racing one returns
 * false a moment before {@code isDone()} turns true.
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
        call.whenAborted().thenAccept(this::completeExceptionally);
    }

    /** Runs {@code hook} once, before this future completes (the inbound request's bookkeeping). */
    public void beforeCompletion(Runnable hook) {
        beforeCompletion.set(hook);
        // settled already (the inbound token had fired, and aborted the call as it was tied to it)
        if (done.get() && beforeCompletion.compareAndSet(hook, null)) {
            hook.run();
        }
    }

    @Override
    public boolean complete(T value) {
        return settle(null, () -> super.complete(value));
    }

    @Override
    public boolean completeExceptionally(Throwable error) {
        return settle(error, () -> super.completeExceptionally(error));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        CancellationException e = new CancellationException(description + " was cancelled");
        call.abort(e); // completes this future through whenAborted, unless the call had ended
        completeExceptionally(e);
        return isCancelled();
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
