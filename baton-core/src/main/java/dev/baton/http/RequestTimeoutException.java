package dev.baton.http;

import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * A request's async timeout, as an ordinary failure of its pipeline: the handler's pending stage
 * is completed with it (it is a {@link CancellationException}, so the stage counts as cancelled
 * and a late {@code complete(...)} is refused), action filters see it in {@code onException},
 * middleware sees {@code next.proceed()} fail with it, and {@code exceptionMapper(RequestTimeoutException.class, ...)}
 * can render the application's own page. Unmapped, it is the configured {@code timeoutStatus}
 * (504) as problem+json.
 *
 * <pre>{@code builder.exceptionMapper(RequestTimeoutException.class, (e, ctx) -> Response.status(504).html(timedOutPage(e)));}</pre>
 */
public class RequestTimeoutException extends CancellationException {
    private final Duration timeout;
    private final Duration elapsed;

    public RequestTimeoutException(Duration timeout, Duration elapsed) {
        super("the request did not complete within its timeout (" + elapsed.toMillis() + " ms)");
        this.timeout = timeout;
        this.elapsed = elapsed;
    }

    /** The timeout that fired (the route's, the server's, or the caller's propagated budget). */
    public Duration timeout() {
        return timeout;
    }

    /** How long the request had been running when it fired. */
    public Duration elapsed() {
        return elapsed;
    }
}
