package dev.baton.controller.internal;

import dev.baton.context.RequestContext;
import dev.baton.routing.Handler;
import java.lang.reflect.Method;

/**
 * The {@link Handler} one controller action compiles to: binds the arguments, runs the filters
 * and the action, and hands the server a value (written inline, no hop) or a stage (the thread is
 * released), as the action's return style says.
 */
final class ActionHandler implements Handler {

    /** How the action gives its result, decided from its signature at startup. */
    enum Style {
        /** Returns a value (or {@code void}): written on the same thread. */
        VALUE,
        /** Returns a {@code CompletionStage}. */
        STAGE,
        /** {@code void} with a {@code Responder}: begin/end. */
        RESPONDER,
        /** {@code void} with {@code AsyncOperations}: a completion method answers. */
        OPERATIONS
    }

    private final Object controller;
    private final Method method;
    private final String name;
    private final Style style;
    private final MethodInvoker invoker;
    private final FilterPipeline filters;
    private final OperationsTracker.Completion completion;

    private ActionHandler(Object controller, Method method, Style style, MethodInvoker invoker, FilterPipeline filters,
                          OperationsTracker.Completion completion) {
        this.controller = controller;
        this.method = method;
        this.name = invoker.toString();
        this.style = style;
        this.invoker = invoker;
        this.filters = filters;
        this.completion = completion;
    }

    /**
     * The handler of an action: the invoker itself for a value without filters (the hot path:
     * bind and call, nothing else), else an ActionHandler around it.
     *
     * @param filters    null when no filter applies
     * @param completion the completion method, for {@link Style#OPERATIONS} only
     */
    static Handler of(Object controller, Method method, Style style, ArgumentBinder[] binders, FilterPipeline filters,
                      OperationsTracker.Completion completion) {
        MethodInvoker invoker = MethodInvoker.of(controller, method, binders);
        if (style == Style.VALUE && filters == null) {
            return invoker;
        }
        return new ActionHandler(controller, method, style, invoker, filters, completion);
    }

    @Override
    public Object handle(RequestContext ctx) throws Exception {
        Object async = switch (style) {
            case RESPONDER -> new OneShotResponder(ctx);
            case OPERATIONS -> new OperationsTracker(ctx, completion);
            case VALUE, STAGE -> null;
        };
        Object[] args = invoker.bind(ctx, async);
        if (filters == null) {
            return invoke(args, async);
        }
        return filters.run(new ActionCall(ctx, this, args), () -> {
            Object result = invoke(args, async);
            // the action's own stage, beneath its filters: a timeout fails it, so onException sees the timeout
            if (result instanceof java.util.concurrent.CompletionStage<?> stage
                    && ctx instanceof dev.baton.internal.HandlerReturn observer) {
                observer.awaiting(stage);
            }
            return result;
        });
    }

    private Object invoke(Object[] args, Object async) throws Exception {
        switch (style) {
            case VALUE -> {
                return invoker.invoke(args);
            }
            case STAGE -> {
                Object stage = invoker.invoke(args);
                if (stage == null) {
                    throw new IllegalStateException(name + " returned null instead of a CompletionStage");
                }
                return stage;
            }
            case RESPONDER -> {
                OneShotResponder responder = (OneShotResponder) async;
                try {
                    invoker.invoke(args);
                } catch (Exception | Error e) {
                    responder.thrown(e);
                }
                return responder.stage();
            }
            default -> {
                OperationsTracker operations = (OperationsTracker) async;
                try {
                    invoker.invoke(args);
                } catch (Exception | Error e) {
                    operations.actionFailed(e);
                } finally {
                    operations.actionReturned();
                }
                return operations.stage();
            }
        }
    }

    Object controller() {
        return controller;
    }

    Method method() {
        return method;
    }

    @Override
    public String toString() {
        return name;
    }
}
