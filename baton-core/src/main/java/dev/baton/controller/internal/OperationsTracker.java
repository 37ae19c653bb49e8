package dev.baton.controller.internal;

import dev.baton.context.RequestContext;
import dev.baton.controller.AsyncOperations;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link AsyncOperations} of one call. Starts at one (the action itself, released when it
 * returns); the thread that brings the count to zero runs the completion method.
 */
final class OperationsTracker implements AsyncOperations {
    private final AtomicInteger outstanding = new AtomicInteger(1);
    private final Map<String, Object> parameters = Collections.synchronizedMap(new HashMap<>());
    private final CompletableFuture<Object> stage = new CompletableFuture<>();
    private final RequestContext ctx;
    private final Completion completion;

    /** Runs the completion method; returns its result (a value or a stage). */
    @FunctionalInterface
    interface Completion {
        Object run(RequestContext ctx, OperationsTracker operations) throws Exception;
    }

    OperationsTracker(RequestContext ctx, Completion completion) {
        this.ctx = ctx;
        this.completion = completion;
    }

    CompletableFuture<Object> stage() {
        return stage;
    }

    @Override
    public void increment(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("increment by a positive count, not " + count);
        }
        outstanding.getAndUpdate(n -> {
            if (n <= 0) {
                throw new IllegalStateException("increment() after the operations completed; count every operation "
                        + "before the action returns or before decrementing the last one");
            }
            return n + count;
        });
    }

    @Override
    public void decrement() {
        int left = outstanding.getAndUpdate(n -> n > 0 ? n - 1 : n) - 1;
        if (left < 0) {
            throw new IllegalStateException("decrement() called more often than increment()");
        }
        if (left == 0) {
            complete();
        }
    }

    @Override
    public int outstanding() {
        return Math.max(0, outstanding.get());
    }

    @Override
    public Map<String, Object> parameters() {
        return parameters;
    }

    @Override
    public void fail(Throwable error) {
        stage.completeExceptionally(error);
    }

    private void complete() {
        if (stage.isDone()) {
            return;
        }
        Object result;
        try {
            result = completion.run(ctx, this);
        } catch (Throwable t) {
            stage.completeExceptionally(t);
            return;
        }
        if (result instanceof CompletionStage<?> s) {
            s.whenComplete((v, e) -> {
                if (e != null) {
                    stage.completeExceptionally(e);
                } else {
                    stage.complete(v);
                }
            });
        } else {
            stage.complete(result);
        }
    }
}
