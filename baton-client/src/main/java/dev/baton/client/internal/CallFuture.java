package dev.baton.client.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/** The stage a call returns: cancelling it aborts the call and closes its connection. */
public final class CallFuture<T> extends CompletableFuture<T> {
    private final CallState call;
    private final String description;

    public CallFuture(CallState call, String description) {
        this.call = call;
        this.description = description;
        call.whenAborted().thenAccept(this::completeExceptionally);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        CancellationException e = new CancellationException(description + " was cancelled");
        call.abort(e);
        return super.cancel(mayInterruptIfRunning) || isCancelled();
    }
}
