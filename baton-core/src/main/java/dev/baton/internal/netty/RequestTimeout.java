package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.context.Deadline;
import dev.baton.routing.Route;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The asynchronous timeout of a connection's requests, in one place: how long a request may take
 * (its route's override or the server's, capped by the caller's propagated deadline), the
 * {@link Deadline} its handler sees, and the one {@link LazyTimer} per connection that fires it.
 * Only one request is in flight per connection, so keep-alive traffic schedules and cancels no
 * task per request. The firing itself is {@link Exchange#timeout()}: the pipeline unwinds.
 */
final class RequestTimeout {
    private static final AsciiString DEADLINE_HEADER = AsciiString.cached(Deadline.HEADER);
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
            ex.timeout();
            return 0;
        }
        return ex.timeoutAtNanos;
    }

    /** The connection closed. */
    void stop() {
        timer.stop();
    }
}
