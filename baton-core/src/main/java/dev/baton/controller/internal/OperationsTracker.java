package dev.baton.controller.internal;

import dev.baton.context.PendingWork;
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
 * returns); the thread that brings the count to zero runs the completion method. Every counted
 * operation is also the request's pending work, so a response that completes without it
 * (a {@code fail}, a timeout) is reported by the safety net as any abandoned work is.
 */
final class OperationsTracker implements AsyncOperations {
    private final AtomicInteger outstanding = new AtomicInteger(1);
    private final Map<String, Object> parameters = Collections.synchronizedMap(new HashMap<>());
    /** One ticket per counted operation, closed by its decrement. */
    private final java.util.Queue<PendingWork.Ticket> tickets = new java.util.concurrent.ConcurrentLinkedQueue<>();
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
        // tickets first: a decrement racing this increment must find one to close
        java.util.List<PendingWork.Ticket> added = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // nothing to cancel here: the operations are the application's; abandoning them is reported
            added.add(ctx.pendingWork().begin(ctx.route() + ": an operation counted on AsyncOperations", () -> { }));
        }
        tickets.addAll(added);
        try {
            outstanding.getAndUpdate(n -> {
                if (n <= 0) {
                    throw new IllegalStateException("increment() after the operations completed; count every operation "
                            + "before the action returns or before decrementing the last one");
                }
                return n + count;
            });
        } catch (IllegalStateException e) {
            tickets.removeAll(added);
            added.forEach(PendingWork.Ticket::close);
            throw e;
        }
    }

    @Override
    public void decrement() {
        release(true);
    }

    /** The action returned: its own count, which no ticket stands for, is released. */
    void actionReturned() {
        release(false);
    }

    private void release(boolean operation) {
        // the ticket first: every ticket is closed before the count can reach zero and complete the call
        if (operation) {
            closeOneTicket();
        }
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

    /** An operation failed: it is over (its ticket closes), and so is the call. */
    @Override
    public void fail(Throwable error) {
        closeOneTicket();
        stage.completeExceptionally(error);
    }

    /** Operations are anonymous: any open ticket stands for the one that ended. */
    private void closeOneTicket() {
        PendingWork.Ticket ticket = tickets.poll();
        if (ticket != null) {
            ticket.close();
        }
    }

    /** The action itself threw: no operation ended. */
    void actionFailed(Throwable error) {
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
