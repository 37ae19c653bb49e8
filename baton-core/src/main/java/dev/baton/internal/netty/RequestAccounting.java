package dev.baton.internal.netty;

import dev.baton.context.RequestContext.Outcome;
import dev.baton.internal.metrics.ServerMetrics;

/**
 * The numbers a connection keeps as its requests end: completed and in-flight counts, the route's
 * latency and thread-hold time, the access log's line for a request no handler answered, and the
 * shutdown's drain signal. Server-wide and stateless, so a connection only says what ended.
 */
final class RequestAccounting {
    private final ServerParts server;
    private final ServerMetrics metrics;

    RequestAccounting(ServerParts server) {
        this.server = server;
        this.metrics = server.metrics();
    }

    /** {@code ex} is answered (or abandoned): its numbers, before its bytes leave. Returns when (System.nanoTime). */
    long answered(Exchange ex, boolean error) {
        Outcome how = ex.outcome();
        if (how == Outcome.RESPONDED || how == Outcome.FAILED || how == Outcome.TIMED_OUT) {
            metrics.completed.increment();
        }
        long now = System.nanoTime();
        ex.routeMetrics.record(now - ex.arrivalNanos, ex.listener.holdNanos(), error);
        metrics.inFlight.decrementAndGet();
        return now;
    }

    /** A streamed body ended: the request it answered is done. Returns when (System.nanoTime). */
    long streamEnded() {
        metrics.completed.increment();
        metrics.inFlight.decrementAndGet();
        server.shutdown().signal(metrics);
        return System.nanoTime();
    }

    /** A request no handler answered went out in {@code bytes}: its access-log line, if the log is on. */
    void refused(Dispatch.Refused refused, int bytes) {
        Dispatch.Refused.Line line = refused.line();
        if (line != null && server.accessLog() != null) {
            server.accessLog().refused(line.method(), line.rawPath(), refused.response().status(), bytes, line.arrivalNanos(), line.traceId());
        }
    }

    /** The connection has no request in flight any more: a drain may be complete. */
    void idle() {
        server.shutdown().signal(metrics);
    }
}
