package dev.baton.context;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The side of a {@link CancellationToken} that fires it. The server owns one per request;
 * application code can create its own to cancel work it starts.
 *
 * <pre>{@code var source = new CancellationSource(); source.cancel(CancellationReason.SHUTDOWN);}</pre>
 */
public final class CancellationSource implements CancellationToken {
    private static final Logger log = LoggerFactory.getLogger(CancellationSource.class);

    private final AtomicReference<CancellationReason> reason = new AtomicReference<>();
    /** Made on first registration: most requests never register a callback. */
    private volatile ConcurrentLinkedQueue<Callback> callbacks;
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
        ConcurrentLinkedQueue<Callback> queue = callbacks;
        Callback c;
        while (queue != null && (c = queue.poll()) != null) {
            c.run(why);
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
        Callback c = new Callback(callback);
        ConcurrentLinkedQueue<Callback> queue = callbacks;
        if (queue == null) {
            synchronized (this) {
                queue = callbacks;
                if (queue == null) {
                    queue = new ConcurrentLinkedQueue<>();
                    callbacks = queue;
                }
            }
        }
        queue.add(c);
        CancellationReason why = reason.get();
        if (why != null && queue.remove(c)) {
            // fired between the add and now: the canceller may have missed us
            c.run(why);
        }
        ConcurrentLinkedQueue<Callback> registered = queue;
        return () -> registered.remove(c);
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

    private static final class Callback {
        private final Consumer<CancellationReason> action;
        private final java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();

        Callback(Consumer<CancellationReason> action) {
            this.action = action;
        }

        void run(CancellationReason why) {
            if (!ran.compareAndSet(false, true)) {
                return;
            }
            try {
                action.accept(why);
            } catch (RuntimeException e) {
                log.warn("cancellation callback failed", e);
            }
        }
    }
}
