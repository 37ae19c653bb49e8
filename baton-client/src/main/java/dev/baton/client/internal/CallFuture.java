package dev.baton.client.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stage a call returns: cancelling it aborts the call and closes its connection. A hook
 * runs just before it completes, ahead of every dependent stage (they run newest first, so a
 * plain dependent registered early would run last).
 */
public final class CallFuture<T> extends CompletableFuture<T> {
    private final CallState call;
    private final String description;
    private final AtomicReference<Runnable> beforeCompletion = new AtomicReference<>();

    public CallFuture(CallState call, String description) {
        this.call = call;
        this.description = description;
        call.whenAborted().thenAccept(this::completeExceptionally);
    }

    /** Runs {@code hook} once, before this future completes (the inbound request's bookkeeping). */
    public void beforeCompletion(Runnable hook) {
        beforeCompletion.set(hook);
    }

    @Override
    public boolean complete(T value) {
        runHook();
        return super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable error) {
        runHook();
        return super.completeExceptionally(error);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        CancellationException e = new CancellationException(description + " was cancelled");
        call.abort(e);
        return super.cancel(mayInterruptIfRunning) || isCancelled();
    }

    private void runHook() {
        Runnable hook = beforeCompletion.getAndSet(null);
        if (hook != null) {
            hook.run();
        }
    }
}
