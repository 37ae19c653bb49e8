package dev.baton.controller.internal;

import dev.baton.context.RequestContext;
import dev.baton.controller.ActionFilter;
import dev.baton.http.Response;
import dev.baton.internal.Futures;
import dev.baton.internal.ResultAdapter;
import dev.baton.internal.StageTrace;
import dev.baton.routing.Middleware;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An {@link ActionFilter} as a link of the action's middleware chain, so that filters and
 * middleware are one chain with one contract. The filter works on the action's raw result
 * ({@link ActionCall#result()}), which each link keeps current on its way out; the chain itself
 * carries the response made of it. Stays on the calling thread while every step is synchronous.
 * On a traced request each filter method is a {@code filter} stage of the thread trace.
 */
final class FilterMiddleware implements Middleware {
    private final ActionFilter filter;

    private FilterMiddleware(ActionFilter filter) {
        this.filter = filter;
    }

    /** The filters as middleware, outermost first, for a chain that runs with an {@link ActionCall} as its context. */
    static List<Middleware> of(List<ActionFilter> filters) {
        return filters.stream().<Middleware>map(FilterMiddleware::new).toList();
    }

    /** A method of the filter, or of the action beneath: answers a value or a {@link CompletionStage}. */
    @FunctionalInterface
    interface Step {
        Object run() throws Exception;
    }

    @Override
    public CompletionStage<Response> handle(RequestContext ctx, Next next) {
        ActionCall call = (ActionCall) ctx;
        Object before;
        try {
            before = traced(call, () -> filter.before(call));
        } catch (Exception | Error e) {
            // a before that throws is the filter's failure: the outer filters see it, this one's onException does not
            return CompletableFuture.failedFuture(e);
        }
        if (before instanceof CompletionStage<?> pending) {
            return pending.thenCompose(v -> v != null ? answer(call, v) : around(call, next));
        }
        return before != null ? answer(call, before) : around(call, next);
    }

    /** The inner links and the action, then this filter's after or onException. */
    private CompletionStage<Response> around(ActionCall call, Next next) {
        return next.proceed().handle((r, e) -> e == null
                ? answer(call, () -> traced(call, () -> filter.after(call)))
                : answer(call, () -> traced(call, () -> recover(call, Futures.unwrap(e)))))
                .thenCompose(response -> response);
    }

    private Object recover(ActionCall call, Throwable error) throws Exception {
        try {
            return filter.onException(call, error);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t);
        }
    }

    /** The response of what {@code step} answers, after recording it as the call's result for the outer links. */
    static CompletionStage<Response> answer(ActionCall call, Step step) {
        Object value;
        try {
            value = step.run();
        } catch (Exception | Error e) {
            return CompletableFuture.failedFuture(e);
        }
        return answer(call, value);
    }

    private static CompletionStage<Response> answer(ActionCall call, Object value) {
        if (value instanceof CompletionStage<?> stage) {
            return Futures.map(stage, v -> {
                call.result(v);
                return ResultAdapter.toResponse(v);
            });
        }
        call.result(value);
        return CompletableFuture.completedFuture(ResultAdapter.toResponse(value));
    }

    /** Runs one filter method, reporting its time on this thread as a "filter" stage when the request is traced. */
    private static Object traced(ActionCall call, Step step) throws Exception {
        StageTrace trace = call.trace();
        if (trace == null) {
            return step.run();
        }
        long start = System.nanoTime();
        try {
            return step.run();
        } finally {
            trace.stage("filter", System.nanoTime() - start);
        }
    }
}
