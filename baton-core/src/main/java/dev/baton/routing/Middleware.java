package dev.baton.routing;

import dev.baton.context.RequestContext;
import dev.baton.http.Response;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A message handler around the route's handler: it can short-circuit (answer without calling
 * {@code next}), wrap (change the request context's attributes, the response, or the error), or
 * run after the handler. Chained in registration order, outermost first; every step may be async.
 *
 * <pre>{@code routing.use((ctx, next) -> next.proceed().thenApply(r -> withHeader(r, "X-Served-By", "baton")));}</pre>
 *
 * <p>The chain enforces its contract: calling {@code next.proceed()} twice, or returning null,
 * fails the request with a message naming the middleware.
 */
@FunctionalInterface
public interface Middleware {

    CompletionStage<Response> handle(RequestContext ctx, Next next) throws Exception;

    /**
     * {@code middleware} around {@code handler}, outermost first, as one handler (the handler
     * itself when there is none): how routes get theirs, and how a test can run a chain alone.
     */
    static Handler chain(List<Middleware> middleware, Handler handler) {
        return MiddlewareChain.compose(middleware, handler);
    }

    /** The rest of the chain. */
    interface Next {
        /** Runs the next middleware, or the handler; call it at most once. */
        CompletionStage<Response> proceed();
    }
}
