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
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        try {
            runHooks(null);
        } finally { // a failing hook must not leave the call without its outcome
            super.complete(value);
        }
        return true;
    }

    @Override
    public boolean completeExceptionally(Throwable error) {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        try {
            runHooks(error);
        } finally {
            super.completeExceptionally(error);
        }
        return true;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        CancellationException e = new CancellationException(description + " was cancelled");
        call.abort(e); // completes this future through whenAborted, unless the call had ended
        completeExceptionally(e);
        return isCancelled();
    }

    /** Run by the one completion that wins, before it is visible. */
    private void runHooks(Throwable error) {
        try {
            Runnable hook = beforeCompletion.getAndSet(null);
            if (hook != null) {
                hook.run();
            }
        } finally {
            settled.accept(error);
        }
    }
}
