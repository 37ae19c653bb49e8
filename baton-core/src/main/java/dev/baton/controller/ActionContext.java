package dev.baton.controller;

import dev.baton.context.RequestContext;
import java.lang.reflect.Method;
import java.util.List;

/**
 * What an {@link ActionFilter} sees of one action invocation.
 *
 * <pre>{@code log.info("{} {}", action.method().getName(), action.arguments());}</pre>
 */
public interface ActionContext {

    /** The request. */
    RequestContext context();

    /** The controller instance. */
    Object controller();

    /** The action method. */
    Method method();

    /** The bound arguments, in declaration order (read-only). */
    List<Object> arguments();

    /**
     * The result so far: the action's (or a short-circuiting filter's) result, as replaced by
     * the {@code after} of inner filters; {@code null} before the action ran and for {@code void}.
     */
    Object result();
}
