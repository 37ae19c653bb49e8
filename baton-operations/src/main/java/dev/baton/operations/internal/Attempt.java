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
    static final int MAX_CHECKPOINT = 64 * 1024;

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

    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private volatile int percent;
    private volatile String message;
    private volatile com.fasterxml.jackson.databind.JsonNode checkpoint;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** A progress write is on its way: during a store outage the next waits for it instead of piling up. */
    private final AtomicBoolean flushing = new AtomicBoolean();
    private volatile boolean flushAgain;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile long lastFlushNanos;

    Attempt(OperationRecord claimed, OperationStore store, String node, Duration timeout, Duration progressInterval,
            ScheduledExecutorService timer, com.fasterxml.jackson.databind.ObjectMapper json, Runnable onFenced) {
        this.claimed = claimed;
        this.json = json;
        this.checkpoint = claimed.checkpoint();
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
        }, () -> {
            // another node holds the operation now: count the refused write, and stop the handler
            onFenced.run();
            token.cancel(CancellationReason.CANCEL_REQUESTED);
        });
    }

    /** Arms the timeout and, for a durable store, the lease renewal. */
    void arm(Duration lease, boolean renew, java.time.Clock clock) {
        timeoutTimer = timer.schedule(() -> token.cancel(CancellationReason.TIMEOUT), timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (renew) {
            long every = Math.max(1, lease.toMillis() / 3);
            heartbeat = timer.scheduleAtFixedRate(() -> {
                if (!renewing.compareAndSet(false, true)) {
                    return; // the last renewal still waits on the store: one is enough
                }
                writer.write(r -> r.isTerminal() || decided.get() ? null
                                : r.toBuilder().lease(r.leaseOwner(), clock.instant().plus(lease)).build(), null)
                        .whenComplete((stored, e) -> renewing.set(false));
            }, every, every, TimeUnit.MILLISECONDS);
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

    @Override
    public void checkpoint(Object state) {
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = json.valueToTree(state);
            int size = json.writeValueAsBytes(node).length;
            if (size > MAX_CHECKPOINT) {
                throw new IllegalArgumentException("a checkpoint is at most " + MAX_CHECKPOINT + " bytes of JSON, got " + size);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("a checkpoint must be JSON-able: " + e.getOriginalMessage(), e);
        }
        if (decided.get()) {
            return;
        }
        checkpoint = node;
        progress(percent, message);
    }

    @Override
    public <T> java.util.Optional<T> lastCheckpoint(Class<T> type) {
        com.fasterxml.jackson.databind.JsonNode node = checkpoint;
        if (node == null || node.isNull()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.ofNullable(json.treeToValue(node, type));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the last checkpoint does not bind to " + type.getSimpleName(), e);
        }
    }

    /** The last checkpoint the handler saved, written with the outcome even if no flush carried it yet. */
    com.fasterxml.jackson.databind.JsonNode lastCheckpointJson() {
        return checkpoint;
    }

    private void flush() {
        lastFlushNanos = System.nanoTime();
        flushScheduled.set(false);
        if (!flushing.compareAndSet(false, true)) {
            flushAgain = true; // the write before still waits on the store; this one follows it with the latest values
            return;
        }
        int p = percent;
        String m = message;
        com.fasterxml.jackson.databind.JsonNode c = checkpoint;
        // percent and message are ours alone, so the record we hold tells whether clients see a change
        OperationRecord held = writer.current();
        boolean visible = held.percentComplete() != p || !java.util.Objects.equals(held.message(), m);
        writer.write(r -> r.isTerminal() || decided.get()
                || !visible && java.util.Objects.equals(r.checkpoint(), c) ? null
                : r.toBuilder().percentComplete(p).message(m).checkpoint(c).build(),
                visible ? OperationEvent.PROGRESS : null).whenComplete((stored, e) -> {
            flushing.set(false);
            if (flushAgain) {
                flushAgain = false;
                progress(percent, message);
            }
        });
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
