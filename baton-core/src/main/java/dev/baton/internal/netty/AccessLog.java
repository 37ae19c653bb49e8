package dev.baton.internal.netty;

import dev.baton.context.RequestContext;
import dev.baton.context.TraceParent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one INFO line per request on the logger {@value #LOGGER}, written when its
 * response is done (a stream's end included), on the connection's event loop:
 *
 * <pre>GET /gizmos/42 200 bytes=1234 ms=12.345 hold_ms=0.402 route=/gizmos/{id} trace=4bf92f3577b34da6a3ce929d0e0e4736</pre>
 *
 * The path is the routed one, still percent-encoded, without its query (where tokens and other
 * secrets travel); no header and no body is ever logged. {@code bytes}: what went to the
 * connection, head included (nginx's {@code $bytes_sent}); {@code ms}: from the request's
 * arrival to its last byte handed to the connection; {@code hold_ms}: how long threads were held
 * for it; {@code 499}: the client left before its response; {@code -}: not known (a request the
 * strict scanner refused has no trustworthy method or path; an unrouted one no route).
 */
final class AccessLog {
    static final String LOGGER = "dev.baton.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    /** Status logged for a request whose client left before its response (nginx's convention). */
    static final int CLIENT_GONE = 499;

    /** One line of a request no handler ran for (a refusal); hold time is none. */
    void refused(String method, String rawPath, int status, long bytes, long arrivalNanos, String traceId) {
        if (log.isInfoEnabled()) {
            log.info(line(method, rawPath, status, bytes, System.nanoTime() - arrivalNanos, -1, null, traceId));
        }
    }

    /** What a request's listener needs to write its line when the response is done: made only when the log is on. */
    Entry entry(RequestContext ctx, String rawPath, long arrivalNanos) {
        return new Entry(ctx, rawPath, arrivalNanos);
    }

    final class Entry {
        private final RequestContext ctx;
        private final String rawPath;
        private final long arrivalNanos;

        private Entry(RequestContext ctx, String rawPath, long arrivalNanos) {
            this.ctx = ctx;
            this.rawPath = rawPath;
            this.arrivalNanos = arrivalNanos;
        }

        void write(int status, long bytes, long holdNanos) {
            if (log.isInfoEnabled()) {
                String trace = ctx.traceParent().map(TraceParent::traceId).orElse(null);
                String pattern = ctx.route().pattern();
                log.info(line(ctx.request().method(), rawPath, status, bytes, System.nanoTime() - arrivalNanos, holdNanos,
                        pattern.equals(Dispatcher.UNMATCHED_PATTERN) ? null : pattern, trace));
            }
        }
    }

    static String line(String method, String rawPath, int status, long bytes, long totalNanos, long holdNanos,
                       String route, String traceId) {
        StringBuilder b = new StringBuilder(128);
        b.append(method == null ? "-" : method).append(' ').append(rawPath == null ? "-" : rawPath).append(' ').append(status)
                .append(" bytes=").append(bytes).append(" ms=");
        millis(b, totalNanos);
        b.append(" hold_ms=");
        if (holdNanos < 0) {
            b.append('-');
        } else {
            millis(b, holdNanos);
        }
        b.append(" route=").append(route == null ? "-" : route).append(" trace=").append(traceId == null ? "-" : traceId);
        return b.toString();
    }

    /** Milliseconds with three decimals (microseconds), without String.format's cost. */
    private static void millis(StringBuilder b, long nanos) {
        long micros = Math.max(0, nanos) / 1000;
        long frac = micros % 1000;
        b.append(micros / 1000).append('.');
        if (frac < 100) {
            b.append(frac < 10 ? "00" : "0");
        }
        b.append(frac);
    }
}
