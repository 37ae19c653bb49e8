package dev.baton.client.internal;

import dev.baton.context.Deadline;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the attempts of one call share: the event loop it prefers, its deadline, and whether it
 * was aborted. Aborting fails the attempt in flight (closing its connection) and every later one.
 */
public final class CallState {
    private final EventLoop loop;
    private final Deadline deadline;
    private final AtomicReference<Throwable> aborted = new AtomicReference<>();
    private final CompletableFuture<Throwable> abortSignal = new CompletableFuture<>();
    private volatile OutboundExchange current;

    private final String description;

    public CallState(EventLoop loop, Deadline deadline, String description) {
        this.loop = loop;
        this.deadline = deadline;
        this.description = description;
    }

    @Override
    public String toString() {
        return description;
    }

    public EventLoop loop() {
        return loop;
    }

    public Deadline deadline() {
        return deadline;
    }

    public boolean isAborted() {
        return aborted.get() != null;
    }

    /** The cause the call was aborted with, or null. */
    Throwable abortCause() {
        return aborted.get();
    }

    /** Completes with the cause when the call is aborted. */
    public CompletableFuture<Throwable> whenAborted() {
        return abortSignal;
    }

    /** Aborts the call (idempotent; the first cause wins), from any thread. */
    public void abort(Throwable cause) {
        if (!aborted.compareAndSet(null, cause)) {
            return;
        }
        OutboundExchange ex = current;
        if (ex != null) {
            ex.fail(cause);
        }
        abortSignal.complete(cause);
    }

    /** {@code ex} is the attempt in flight; it fails at once if the call was aborted already. */
    void attach(OutboundExchange ex) {
        current = ex;
        Throwable cause = aborted.get();
        if (cause != null) {
            ex.fail(cause);
        }
    }
}
