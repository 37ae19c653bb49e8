package dev.baton.context;

import dev.baton.internal.OnceCallbacks;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The side of a {@link CancellationToken} that fires it. The server owns one per request;
 * application code can create its own to cancel work it starts.
 *
 * <pre>{@code var source = new CancellationSource(); source.cancel(CancellationReason.SHUTDOWN);}</pre>
 */
public final class CancellationSource implements CancellationToken {

    private final AtomicReference<CancellationReason> reason = new AtomicReference<>();
    /** Made on first registration: most requests never register a callback. */
    private volatile OnceCallbacks<CancellationReason> callbacks;
    private volatile CompletableFuture<CancellationReason> cancelled;
    private final boolean neverFires;

    public CancellationSource() {
        this(false);
    }

    private CancellationSource(boolean neverFires) {
        this.neverFires = neverFires;
    }

    static CancellationSource never() {
        return new CancellationSource(true);
    }

    /** A token that fires when this one fires, or when {@code cancel} is called on the child. */
    public CancellationSource child() {
        CancellationSource child = new CancellationSource();
        Registration r = onCancel(child::cancel);
        child.onCancel(ignored -> r.close());
        return child;
    }

    /**
     * Fires the token. Returns true if this call fired it, false if it had fired already
     * (the first reason wins).
     */
    public boolean cancel(CancellationReason why) {
        if (neverFires || !reason.compareAndSet(null, why)) {
            return false;
        }
        OnceCallbacks<CancellationReason> c = callbacks;
        if (c != null) {
            c.fire(why);
        }
        CompletableFuture<CancellationReason> f = cancelled;
        if (f != null) {
            f.complete(why);
        }
        return true;
    }

    @Override
    public boolean isCancelled() {
        return reason.get() != null;
    }

    @Override
    public Optional<CancellationReason> reason() {
        return Optional.ofNullable(reason.get());
    }

    @Override
    public Registration onCancel(Consumer<CancellationReason> callback) {
        if (neverFires) {
            return () -> { };
        }
        OnceCallbacks<CancellationReason> c = callbacks;
        if (c == null) {
            synchronized (this) {
                c = callbacks;
                if (c == null) {
                    c = new OnceCallbacks<>("a cancellation");
                    callbacks = c;
                }
            }
        }
        Runnable remove = c.add(callback);
        CancellationReason why = reason.get();
        if (why != null) {
            c.fire(why); // fired before the list existed, or between the add and now
        }
        return remove::run;
    }

    @Override
    public CompletionStage<CancellationReason> whenCancelled() {
        CompletableFuture<CancellationReason> f = cancelled;
        if (f == null) {
            synchronized (this) {
                f = cancelled;
                if (f == null) {
                    f = new CompletableFuture<>();
                    cancelled = f;
                }
            }
        }
        CancellationReason why = reason.get();
        if (why != null) {
            f.complete(why);
        }
        return f.minimalCompletionStage();
    }

    @Override
    public String toString() {
        CancellationReason why = reason.get();
        return why == null ? "CancellationToken[active]" : "CancellationToken[" + why + "]";
    }
}
