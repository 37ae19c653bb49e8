package dev.baton.http;

import dev.baton.context.RequestContext;

/**
 * Turns an exception of a given type into a response. Registered on the server; the most
 * specific type wins. Built-in: {@link HttpException} to its status, anything else to 500.
 *
 * <pre>{@code builder.exceptionMapper(GizmoGone.class, (e, ctx) -> Problem.of(410, e.getMessage()).toResponse());}</pre>
 */
@FunctionalInterface
public interface ExceptionMapper<E extends Throwable> {
    Response toResponse(E exception, RequestContext ctx);
}
