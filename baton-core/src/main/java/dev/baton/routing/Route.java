package dev.baton.routing;

import dev.baton.ExecutionModel;
import java.time.Duration;
import java.util.Optional;

/**
 * A registered route: method, path pattern and how it runs.
 *
 * @param method    upper-case method
 * @param pattern   the path pattern, e.g. {@code /gizmos/{id}}
 * @param handler   what answers it
 * @param execution which thread runs the handler; null for the server default
 * @param timeout   the async timeout: null for the server default, {@link Duration#ZERO} for none
 * @param description what the route declares of its parameters, body and result, for documentation;
 *                    {@link RouteDescription#NONE} when nothing (null is taken as that)
 * @param streamedBodyLimit 0: the body is aggregated before the handler runs (up to the server's
 *                    {@code maxBodySize}); above 0: the handler runs on the head and reads the body as it
 *                    arrives ({@code request.bodyStream()}), up to this many bytes
 */
public record Route(String method, String pattern, Handler handler, ExecutionModel execution, Duration timeout,
                    RouteDescription description, long streamedBodyLimit) {

    public Route {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route pattern starts with '/': " + pattern);
        }
        if (streamedBodyLimit < 0) {
            throw new IllegalArgumentException("a streamed body limit is 0 (aggregated) or positive: " + streamedBodyLimit);
        }
        description = description == null ? RouteDescription.NONE : description;
    }

    /** A route whose body is aggregated before its handler runs. */
    public Route(String method, String pattern, Handler handler, ExecutionModel execution, Duration timeout,
                 RouteDescription description) {
        this(method, pattern, handler, execution, timeout, description, 0);
    }

    /** A route that declares nothing of its interface. */
    public Route(String method, String pattern, Handler handler, ExecutionModel execution, Duration timeout) {
        this(method, pattern, handler, execution, timeout, RouteDescription.NONE);
    }

    /** The timeout set on this route, if any ({@code Optional.of(ZERO)} means no timeout). */
    public Optional<Duration> timeoutOverride() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public String toString() {
        return method + " " + pattern;
    }
}
