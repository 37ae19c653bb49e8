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
    private final RequestContext origin;
    /** Copied now, while the exchange is live: a middleware's attributes (the user, say) reach the handler. */
    private final java.util.Map<String, Object> attributes;
    final CompletableFuture<Object> outcome = new CompletableFuture<>();

    RouteWork(Handler handler, RequestContext origin) {
        this.handler = handler;
        this.origin = origin;
        this.attributes = java.util.Map.copyOf(origin.attributes());
    }

    Object run(Attempt attempt) throws Exception {
        return handler.handle(new OperationRequestContext(origin, attributes, attempt));
    }

    void settle(Object value, Throwable error) {
        if (error != null) {
            outcome.completeExceptionally(error);
        } else {
            outcome.complete(value);
        }
    }
}
