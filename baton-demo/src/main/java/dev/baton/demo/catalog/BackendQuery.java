package dev.baton.demo.catalog;

import dev.baton.http.Request;
import java.util.StringJoiner;

/**
 * What a caller may ask of one backend call: its {@code delay} (a {@link Delay}) and its
 * {@code failRate} (0 to 1, the chance of a 500). Absent values (null) leave the backend's
 * defaults. The front reads a page's query with the same rules and passes what it was given on,
 * so a bad value is a 400 naming the parameter wherever it is given.
 *
 * <pre>{@code BackendQuery q = BackendQuery.from(ctx.request());   // ?delay=200-800&failRate=0.1
 * client.get(base + "/api/gizmos" + q.toQueryString())}</pre>
 */
public record BackendQuery(Delay delay, Double failRate) {
    public static final BackendQuery NONE = new BackendQuery(null, null);

    public BackendQuery {
        if (failRate != null && !(failRate >= 0 && failRate <= 1)) {
            throw new IllegalArgumentException("failRate is a number from 0 to 1, got " + failRate);
        }
    }

    /** The {@code delay} and {@code failRate} query parameters of {@code request}; a 400 problem for a bad one. */
    public static BackendQuery from(Request request) {
        var delay = request.query("delay");
        var failRate = request.query("failRate");
        return new BackendQuery(
                delay.isPresent() ? delay.as(Delay.EXPECTED, Delay::parse) : null,
                failRate.isPresent() ? failRate.as("a number from 0 to 1", BackendQuery::rate) : null);
    }

    public BackendQuery withDelay(Delay value) {
        return new BackendQuery(value, failRate);
    }

    /** {@code ""}, or {@code "?delay=...&failRate=..."} with what is set. */
    public String toQueryString() {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        if (delay != null) {
            q.add("delay=" + delay);
        }
        if (failRate != null) {
            q.add("failRate=" + failRate);
        }
        return q.toString();
    }

    private static double rate(String text) {
        double r = new java.math.BigDecimal(text).doubleValue();
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException(text);
        }
        return r;
    }
}
