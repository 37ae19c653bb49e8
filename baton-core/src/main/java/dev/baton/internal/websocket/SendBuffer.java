package dev.baton.internal.websocket;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bytes a WebSocket session was asked to send and has not yet written, held to a bound: the
 * backpressure of its sends. Counted from the call on, so that sends made off the event loop and
 * not yet in the channel's buffer count too (the channel's water marks would miss them). Any thread.
 */
final class SendBuffer {
    private final int bound;
    private final AtomicLong unwritten = new AtomicLong();
    /** Completed when the buffer is below half again; null while nobody waits. */
    private final AtomicReference<CompletableFuture<Void>> writable = new AtomicReference<>();

    SendBuffer(int bound) {
        this.bound = bound;
    }

    /**
     * Counts {@code bytes} in, or refuses (counting nothing) when they would pass the bound;
     * a message larger than the whole bound is taken when nothing else waits.
     */
    boolean reserve(int bytes) {
        long queued = unwritten.addAndGet(bytes);
        if (queued > bound && queued != bytes) {
            unwritten.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** {@code bytes} were written (or dropped). */
    void written(int bytes) {
        unwritten.addAndGet(-bytes);
        if (isWritable()) {
            signal();
        }
    }

    long unwritten() {
        return unwritten.get();
    }

    boolean isWritable() {
        return unwritten.get() < bound / 2;
    }

    /** Completes when writable again (at once if it is, or if the session is not {@code open}). */
    CompletionStage<Void> whenWritable(boolean open) {
        if (isWritable() || !open) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiting = writable.updateAndGet(w -> w != null ? w : new CompletableFuture<>());
        if (isWritable()) {
            signal(); // it drained between the check and the registration
        }
        return waiting.minimalCompletionStage();
    }

    /** The session closed: whoever waits goes on (and finds its sends refused). */
    void closed() {
        signal();
    }

    private void signal() {
        CompletableFuture<Void> w = writable.getAndSet(null);
        if (w != null) {
            w.complete(null);
        }
    }
}
