package dev.baton.controller.internal;

import dev.baton.context.RequestContext;

/** Produces one argument of an action from the request. Precomputed per parameter at startup. */
@FunctionalInterface
interface ArgumentBinder {
    /**
     * @param ctx   the request
     * @param async the call's {@code Responder} or {@code AsyncOperations}, or null for the other styles
     */
    Object bind(RequestContext ctx, Object async) throws Exception;
}
