package dev.baton.operations.internal;

import dev.baton.context.RequestContext;
import dev.baton.routing.Handler;
import java.util.concurrent.CompletableFuture;

/**
 * A route's handler run as an operation (its request asked {@code Prefer: respond-async}): the
 * request it came with, and the handler's own outcome, for a {@code Prefer: wait} that can still
 * answer with the handler's response.
 */
final class RouteWork {
    private final Handler handler;
    /** What the handler needs of its request, not the exchange (its connection) itself, which may be long gone. */
    private final OperationRequestContext.Origin origin;
    final CompletableFuture<Object> outcome = new CompletableFuture<>();

    RouteWork(Handler handler, RequestContext ctx) {
        this.handler = handler;
        this.origin = OperationRequestContext.Origin.of(ctx);
    }

    Object run(Attempt attempt) throws Exception {
        return handler.handle(new OperationRequestContext(origin, attempt));
    }

    void settle(Object value, Throwable error) {
        if (error != null) {
            outcome.completeExceptionally(error);
        } else {
            outcome.complete(value);
        }
    }
}
