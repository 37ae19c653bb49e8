package dev.baton.controller.internal;

import dev.baton.context.RequestContext;
import dev.baton.controller.ActionFilter;
import dev.baton.internal.Futures;
import dev.baton.routing.Handler;
import dev.baton.routing.Middleware;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

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
    /** The action beneath its filters, one middleware chain; null when no filter applies. */
    private final Handler filtered;
    private final OperationsTracker.Completion completion;

    private ActionHandler(Object controller, Method method, Style style, MethodInvoker invoker, List<ActionFilter> filters,
                          OperationsTracker.Completion completion) {
        this.controller = controller;
        this.method = method;
        this.name = invoker.toString();
        this.style = style;
        this.invoker = invoker;
        this.completion = completion;
        this.filtered = filters.isEmpty() ? null : Middleware.chain(FilterMiddleware.of(filters), this::action);
    }

    /**
     * The handler of an action: the invoker itself for a value without filters (the hot path:
     * bind and call, nothing else), else an ActionHandler around it.
     *
     * @param filters    outermost first
     * @param completion the completion method, for {@link Style#OPERATIONS} only
     */
    static Handler of(Object controller, Method method, Style style, ArgumentBinder[] binders, List<ActionFilter> filters,
                      OperationsTracker.Completion completion) {
        MethodInvoker invoker = MethodInvoker.of(controller, method, binders);
        if (style == Style.VALUE && filters.isEmpty()) {
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
        if (filtered == null) {
            return invoke(args, async);
        }
        Object answered = filtered.handle(new ActionCall(ctx, this, args, async));
        // a chain that finished on this thread is a value (or a throw), as the action alone would be: no hop
        if (answered instanceof CompletableFuture<?> done && done.isDone()) {
            try {
                return done.join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = Futures.unwrap(e);
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                throw (Error) cause;
            }
        }
        return answered;
    }

    /** The innermost link of the filter chain: the action, its result recorded for the filters' {@code after}. */
    private Object action(RequestContext ctx) throws Exception {
        ActionCall call = (ActionCall) ctx;
        Object result = invoke(call.args(), call.async());
        if (result instanceof CompletionStage<?> stage) {
            // the action's own stage is the deepest the request waits on: a timeout fails it, so onException sees the timeout
            call.awaiting(stage);
            return Futures.map(stage, v -> {
                call.result(v);
                return v;
            });
        }
        call.result(result);
        return result;
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
