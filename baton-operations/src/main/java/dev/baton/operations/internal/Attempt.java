package dev.baton.operations.internal;

import dev.baton.context.CancellationReason;
import dev.baton.context.CancellationSource;
import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.operations.OperationContext;
import dev.baton.operations.store.OperationEvent;
import dev.baton.operations.store.OperationRecord;
import dev.baton.operations.store.OperationStore;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt of one operation on this node: the handler's {@link OperationContext}, its
 * token, deadline and timers, and the coalescing of its progress into few writes.
 */
final class Attempt implements OperationContext {
    static final int MAX_MESSAGE = 1000;

    final OperationRecord claimed;
    final FencedWriter writer;
    final CancellationSource token = new CancellationSource();
    final Duration timeout;
    final long startNanos = System.nanoTime();
    private final Deadline deadline;
    private final ScheduledExecutorService timer;
    private final long intervalNanos;
    /** Set once the attempt's outcome is decided: by the handler's end, or by abandoning it. */
    final AtomicBoolean decided = new AtomicBoolean();
    volatile boolean abandoned;
    /** Completes once the outcome is decided, with how a request would have ended. */
    final java.util.concurrent.CompletableFuture<dev.baton.context.RequestContext.Outcome> ended = new java.util.concurrent.CompletableFuture<>();
    private volatile ScheduledFuture<?> timeoutTimer;
    private volatile ScheduledFuture<?> heartbeat;

    private volatile int percent;
    private volatile String message;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private volatile long lastFlushNanos;

    Attempt(OperationRecord claimed, OperationStore store, String node, Duration timeout, Duration progressInterval,
            ScheduledExecutorService timer, Runnable onFenced) {
        this.claimed = claimed;
        this.timeout = timeout;
        this.timer = timer;
        this.deadline = Deadline.after(timeout);
        this.intervalNanos = progressInterval.toNanos();
        this.lastFlushNanos = System.nanoTime() - intervalNanos;
        this.percent = claimed.percentComplete();
        this.message = claimed.message();
        this.writer = new FencedWriter(store, node, claimed, fresh -> {
            if (fresh.cancelRequested()) {
                token.cancel(CancellationReason.CANCEL_REQUESTED);
            }
        }, () -> token.cancel(CancellationReason.CANCEL_REQUESTED));
    }

    /** Arms the timeout and, for a durable store, the lease renewal. */
    void arm(Duration lease, boolean renew, java.time.Clock clock) {
        timeoutTimer = timer.schedule(() -> token.cancel(CancellationReason.TIMEOUT), timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (renew) {
            long every = Math.max(1, lease.toMillis() / 3);
            heartbeat = timer.scheduleAtFixedRate(() -> writer.write(
                    r -> r.isTerminal() ? null : r.toBuilder().lease(r.leaseOwner(), clock.instant().plus(lease)).build(), null),
                    every, every, TimeUnit.MILLISECONDS);
        }
    }

    void disarm() {
        ScheduledFuture<?> t = timeoutTimer;
        if (t != null) {
            t.cancel(false);
        }
        ScheduledFuture<?> h = heartbeat;
        if (h != null) {
            h.cancel(false);
        }
    }

    @Override
    public String id() {
        return claimed.id();
    }

    @Override
    public String type() {
        return claimed.type();
    }

    @Override
    public int attempt() {
        return claimed.attempts();
    }

    @Override
    public void progress(int value, String note) {
        if (value < 0 || value > 100) {
            throw new IllegalArgumentException("percent must be 0..100, got " + value);
        }
        if (note != null && note.length() > MAX_MESSAGE) {
            throw new IllegalArgumentException("a progress message is at most " + MAX_MESSAGE + " characters, got " + note.length());
        }
        if (decided.get()) {
            return;
        }
        percent = value;
        message = note;
        if (flushScheduled.compareAndSet(false, true)) {
            // leading edge at once, then at most one write per interval: the last value always goes out
            long wait = Math.max(0, lastFlushNanos + intervalNanos - System.nanoTime());
            timer.schedule(this::flush, wait, TimeUnit.NANOSECONDS);
        }
    }

    private void flush() {
        lastFlushNanos = System.nanoTime();
        flushScheduled.set(false);
        int p = percent;
        String m = message;
        writer.write(r -> r.isTerminal() || decided.get() || r.percentComplete() == p && java.util.Objects.equals(r.message(), m)
                ? null : r.toBuilder().percentComplete(p).message(m).build(), OperationEvent.PROGRESS);
    }

    /** The last progress the handler reported, written with the outcome even if no flush carried it yet. */
    String lastMessage() {
        return message;
    }

    int lastPercent() {
        return percent;
    }

    @Override
    public CancellationToken cancellation() {
        return token;
    }

    @Override
    public Deadline deadline() {
        return deadline;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return timer;
    }

    @Override
    public String toString() {
        return "operation " + claimed.id() + " (" + claimed.type() + ", attempt " + claimed.attempts() + ")";
    }
}
