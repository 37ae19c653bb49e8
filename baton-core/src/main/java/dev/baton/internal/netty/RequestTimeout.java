package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.context.Deadline;
import dev.baton.routing.Route;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import dev.baton.http.RequestTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The asynchronous timeout of a connection's requests, in one place: how long a request may take
 * (its route's override or the server's, capped by the caller's propagated deadline), the
 * {@link Deadline} its handler sees, and the one {@link LazyTimer} per connection that fires it.
 * Only one request is in flight per connection, so keep-alive traffic schedules and cancels no
 * task per request; and what firing means: the pipeline unwinds.
 */
final class RequestTimeout {
    private static final AsciiString DEADLINE_HEADER = AsciiString.cached(Deadline.HEADER);
    /** How long after its timeout a request's own pipeline may take to answer, before the built-in problem. */
    static final long ANSWER_GRACE_MILLIS = 1000;
    /** How long after a propagated deadline our own timer fires, as a backstop. */
    static final long PROPAGATED_DEADLINE_GRACE_MILLIS = 100;

    /** A request's deadline, and when the timer fires for it (System.nanoTime; 0 for never). */
    record Budget(Deadline deadline, long fireAtNanos) {
    }

    private final Supplier<Exchange> current;
    private final LazyTimer timer = new LazyTimer(System::nanoTime, this::fired);

    /** {@code current}: the connection's request in flight, or null. */
    RequestTimeout(Supplier<Exchange> current) {
        this.current = current;
    }

    /** The budget of a request to {@code route} that arrived at {@code arrivalNanos}. */
    static Budget budget(ServerConfig config, Route route, NettyRequest request, long arrivalNanos) {
        Duration timeout = route.timeoutOverride().orElse(config.requestTimeout());
        Duration propagated = propagated(request);
        long timerMillis = timeout.toMillis();
        if (propagated != null && (timeout.isZero() || propagated.compareTo(timeout) < 0)) {
            // the caller's remaining budget, capped by our own route timeout; the caller hangs up
            // at that moment, so our own timer is only a backstop a little later (the request then
            // ends as CLIENT_DISCONNECT, which is what happened)
            timeout = propagated.isZero() ? Duration.ofMillis(1) : propagated;
            timerMillis = timeout.toMillis() + PROPAGATED_DEADLINE_GRACE_MILLIS;
        }
        Deadline deadline = timeout.isZero() ? Deadline.NONE : Deadline.after(timeout);
        return new Budget(deadline, timerMillis == 0 ? 0 : arrivalNanos + TimeUnit.MILLISECONDS.toNanos(timerMillis));
    }

    /** The caller's remaining budget from the {@link Deadline#HEADER} header; null when absent or malformed. */
    private static Duration propagated(NettyRequest request) {
        String v = ((NettyHeaders) request.headers()).get(DEADLINE_HEADER);
        if (v == null) {
            return null;
        }
        try {
            long ms = Long.parseLong(v.strip());
            return ms < 0 ? null : Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    void bind(EventExecutor eventLoop) {
        timer.bind(eventLoop);
    }

    /** Times {@code ex} out at its budget's instant, if it has one. On the event loop. */
    void watch(Exchange ex) {
        long at = ex.timeoutAtNanos;
        if (at != 0) {
            timer.fireBy(at);
        }
    }

    private long fired(long now) {
        Exchange ex = current.get();
        if (ex == null || ex.isCompleted() || ex.timeoutAtNanos == 0) {
            return 0; // the request it was armed for is done; the next one re-arms
        }
        if (now - ex.timeoutAtNanos >= 0) {
            fire(ex, now);
            return 0;
        }
        return ex.timeoutAtNanos;
    }

    /**
     * Times {@code ex} out. The timeout is an ordinary failure of the pipeline: the deepest pending
     * stage fails with {@link RequestTimeoutException}, so filters, middleware and exception mappers
     * see it on its way out and may render their own answer. A request with nothing to unwind goes
     * to the exception mappers directly. Either way the answer is bounded: past
     * {@link #ANSWER_GRACE_MILLIS} the built-in problem goes out.
     */
    static void fire(Exchange ex, long nowNanos) {
        RequestTimeoutException failure = new RequestTimeoutException(
                Duration.ofNanos(Math.max(0, ex.timeoutAtNanos - ex.arrivalNanos)), Duration.ofNanos(nowNanos - ex.arrivalNanos));
        if (!ex.startTimingOut(failure)) {
            return;
        }
        ex.eventLoop().schedule(() -> ex.timeoutFallback(failure), ANSWER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        CompletableFuture<?> target = ex.timeoutTarget();
        // the unwinding runs application code (filters, middleware, mappers, token callbacks):
        // never on the event loop, whose timer must stay free to send the fallback
        Thread.ofVirtual().name("baton-timeout").start(() -> ex.unwindTimeout(target, failure));
    }

    /** The connection closed. */
    void stop() {
        timer.stop();
    }
}
