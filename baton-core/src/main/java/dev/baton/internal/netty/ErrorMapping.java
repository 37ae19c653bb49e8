package dev.baton.internal.netty;

import dev.baton.internal.Futures;
import dev.baton.context.RequestContext;
import dev.baton.http.ExceptionMapper;
import dev.baton.http.HttpException;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps exceptions to problem responses: the most specific registered mapper wins, then
 * {@link HttpException}'s own status, then 500. Stack traces go to the log, never the client.
 */
final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private final Map<Class<? extends Throwable>, ExceptionMapper<? extends Throwable>> mappers;
    private final int timeoutStatus;

    ErrorMapping(Map<Class<? extends Throwable>, ExceptionMapper<? extends Throwable>> mappers, int timeoutStatus) {
        this.mappers = Map.copyOf(mappers);
        this.timeoutStatus = timeoutStatus;
    }

    static Throwable unwrap(Throwable t) {
        return Futures.unwrap(t);
    }

    Response toResponse(Throwable thrown, RequestContext ctx) {
        Throwable t = unwrap(thrown);
        ExceptionMapper<Throwable> mapper = find(t.getClass());
        if (mapper != null) {
            try {
                Response r = mapper.toResponse(t, ctx);
                if (r != null) {
                    return r;
                }
            } catch (RuntimeException e) {
                log.error("exception mapper for {} failed on {}", t.getClass().getName(), ctx.route(), e);
                return problem(500, "the error handler failed", ctx);
            }
        }
        if (t instanceof dev.baton.http.RequestTimeoutException) {
            return problem(timeoutStatus, t.getMessage(), ctx); // counted as a timeout, not logged as an error
        }
        if (t instanceof HttpException he) {
            if (he.status() >= 500) {
                log.warn("{} answered {}: {}", ctx.route(), he.status(), he.getMessage());
            }
            return problem(he.status(), he.getMessage(), ctx);
        }
        log.error("unhandled exception in {} ({})", ctx.route(), ctx.request(), t);
        return problem(500, "an unexpected error occurred; the server log has the details", ctx);
    }

    static Response problem(int status, String detail, RequestContext ctx) {
        return Problem.of(status, detail).withInstance(ctx == null ? null : ctx.request().path()).toResponse();
    }

    @SuppressWarnings("unchecked")
    private ExceptionMapper<Throwable> find(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            ExceptionMapper<?> m = mappers.get(c);
            if (m != null) {
                return (ExceptionMapper<Throwable>) m;
            }
        }
        return null;
    }
}
