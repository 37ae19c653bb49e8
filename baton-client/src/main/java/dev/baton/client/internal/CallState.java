package dev.baton.client.internal;

import dev.baton.client.ClientTimeoutException;
import dev.baton.context.Deadline;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the attempts of one call share: the event loop it prefers, its deadlines, and whether it
 * was aborted. Aborting fails the attempt in flight (closing its connection) and every later one.
 * A call has two deadlines: the inbound request's, which that request's server enforces, and its
 * own ({@code Call.deadline}, the retry budget), which the call enforces itself.
 */
public final class CallState {
    private final EventLoop loop;
    private final Deadline inbound;
    private final AtomicReference<Throwable> aborted = new AtomicReference<>();
    private final CompletableFuture<Throwable> abortSignal = new CompletableFuture<>();
    private volatile OutboundExchange current;
    private Deadline own = Deadline.NONE; // guarded by this
    private ScheduledFuture<?> ownTimer; // guarded by this
    private boolean ended; // guarded by this

    private final String description;

    public CallState(EventLoop loop, Deadline inbound, String description) {
        this.loop = loop;
        this.inbound = inbound;
        this.description = description;
    }

    @Override
    public String toString() {
        return description;
    }

    public EventLoop loop() {
        return loop;
    }

    /** The earlier of the two deadlines: what the call has left. */
    public Deadline deadline() {
        return inbound.min(ownDeadline());
    }

    /** The inbound request's deadline, or {@link Deadline#NONE}. */
    Deadline inboundDeadline() {
        return inbound;
    }

    /** The call's own deadline, or {@link Deadline#NONE}. */
    synchronized Deadline ownDeadline() {
        return own;
    }

    /**
     * Brings the call's own deadline forward to {@code deadline} (a later one changes nothing):
     * every later attempt's timer is capped by it, and no retry starts past it (the retry
     * budget). An attempt that started before it keeps its timer: limit before the first one.
     */
    public synchronized void limit(Deadline deadline) {
        if (deadline.compareTo(own) < 0) {
            own = deadline;
        }
    }

    /**
     * {@link #limit}, and the call fails with {@link ClientTimeoutException} when
     * {@code deadline} passes while no attempt runs (an interceptor holding the call, say), which
     * no attempt's timer would see ({@code Call.deadline}). One timer per call, so the retry
     * budget, which the attempts and the retry interceptor enforce, does without.
     */
    public void expireAt(Deadline deadline) {
        synchronized (this) {
            limit(deadline);
            if (ended || ownTimer != null) {
                return;
            }
            ownTimer = loop.schedule(this::ownDeadlinePassed, deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The call has its outcome: its deadline timer is no longer needed (a streamed body is still timed by its attempt). */
    public void ended() {
        synchronized (this) {
            ended = true;
            if (ownTimer != null) {
                ownTimer.cancel(false);
                ownTimer = null;
            }
        }
    }

    private void ownDeadlinePassed() {
        OutboundExchange ex = current;
        if (ex != null && !ex.isDone()) {
            // an attempt's timer is never later than this deadline and runs on this loop too: it
            // ends the attempt with the precise reason (still connecting, waiting in the queue...)
            return;
        }
        // between attempts (an interceptor's own wait): nothing else would end the call
        abort(new ClientTimeoutException(description + " ran out of its deadline"));
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
