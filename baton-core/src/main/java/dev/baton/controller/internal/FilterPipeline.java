package dev.baton.controller.internal;

import dev.baton.internal.Futures;
import dev.baton.controller.ActionFilter;
import dev.baton.internal.StageTrace;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs an action inside its filters, outermost first: each filter's {@code before}, the action,
 * then each {@code after} (or {@code onException}) innermost first. Stays on the calling thread
 * while every step is synchronous; a step that returns a stage continues when it completes.
 * On a traced request each filter method is a {@code filter} stage of the thread trace.
 */
final class FilterPipeline {
    private final ActionFilter[] filters;

    FilterPipeline(List<ActionFilter> filters) {
        this.filters = filters.toArray(ActionFilter[]::new);
    }

    /** A step that answers a value or a {@link CompletionStage}. */
    @FunctionalInterface
    interface Step {
        Object run() throws Exception;
    }

    Object run(ActionCall call, Step action) throws Exception {
        return enter(0, call, action);
    }

    private Object enter(int i, ActionCall call, Step action) throws Exception {
        if (i == filters.length) {
            return action.run();
        }
        Object before = traced(call, () -> filters[i].before(call));
        if (before instanceof CompletionStage<?> pending) {
            return pending.thenCompose(v -> v != null ? CompletableFuture.completedFuture(v)
                    : stage(() -> around(i, call, action)));
        }
        return before != null ? before : around(i, call, action);
    }

    /** The filters inside {@code i} and the action, then filter {@code i}'s after or onException. */
    private Object around(int i, ActionCall call, Step action) throws Exception {
        Object inner;
        try {
            inner = enter(i + 1, call, action);
        } catch (Exception | Error e) {
            return failed(i, call, e);
        }
        if (inner instanceof CompletionStage<?> pending) {
            return pending.handle((v, e) -> e == null ? stage(() -> succeeded(i, call, v))
                    : stage(() -> failed(i, call, unwrap(e)))).thenCompose(next -> next);
        }
        return succeeded(i, call, inner);
    }

    private Object succeeded(int i, ActionCall call, Object value) throws Exception {
        call.result(value);
        return traced(call, () -> filters[i].after(call));
    }

    private Object failed(int i, ActionCall call, Throwable error) throws Exception {
        return traced(call, () -> {
            try {
                return filters[i].onException(call, error);
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new UndeclaredThrowableException(t);
            }
        });
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

    @SuppressWarnings("unchecked")
    private static CompletionStage<Object> stage(Step step) {
        try {
            Object r = step.run();
            return r instanceof CompletionStage<?> s ? (CompletionStage<Object>) s : CompletableFuture.completedFuture(r);
        } catch (Exception | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return Futures.unwrap(t);
    }
}
