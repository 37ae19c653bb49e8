package dev.baton.controller.internal;

import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.PendingWork;
import dev.baton.context.RequestContext;
import dev.baton.controller.ActionContext;
import dev.baton.http.Request;
import dev.baton.internal.HandlerReturn;
import dev.baton.internal.StageTrace;
import dev.baton.routing.Route;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * One invocation of an action, as its filters see it: the bound arguments and the result so far.
 * It is also the request context the action's filter chain runs with, so that each filter (a
 * {@link FilterMiddleware}) finds the call it works on; everything else is the request's own.
 */
final class ActionCall implements ActionContext, RequestContext, StageTrace, HandlerReturn {
    private final RequestContext ctx;
    private final ActionHandler action;
    private final Object[] args;
    private final Object async;
    private final List<Object> arguments;
    private final StageTrace trace;
    private volatile Object result;

    /** @param async the action's Responder or AsyncOperations, or null */
    ActionCall(RequestContext ctx, ActionHandler action, Object[] args, Object async) {
        this.ctx = ctx;
        this.action = action;
        this.args = args;
        this.async = async;
        this.arguments = Collections.unmodifiableList(Arrays.asList(args));
        this.trace = ctx instanceof StageTrace t && t.tracing() ? t : null;
    }

    /** Where the filters report their thread time; null when the request is not traced. */
    StageTrace trace() {
        return trace;
    }

    Object[] args() {
        return args;
    }

    Object async() {
        return async;
    }

    @Override
    public RequestContext context() {
        return ctx;
    }

    @Override
    public Object controller() {
        return action.controller();
    }

    @Override
    public Method method() {
        return action.method();
    }

    @Override
    public List<Object> arguments() {
        return arguments;
    }

    @Override
    public Object result() {
        return result;
    }

    void result(Object value) {
        this.result = value;
    }

    // the request context, for the filter chain

    @Override
    public Request request() {
        return ctx.request();
    }

    @Override
    public Route route() {
        return ctx.route();
    }

    @Override
    public Map<String, Object> attributes() {
        return ctx.attributes();
    }

    @Override
    public Deadline deadline() {
        return ctx.deadline();
    }

    @Override
    public CancellationToken cancellation() {
        return ctx.cancellation();
    }

    @Override
    public PendingWork pendingWork() {
        return ctx.pendingWork();
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return ctx.scheduler();
    }

    @Override
    public boolean isCompleted() {
        return ctx.isCompleted();
    }

    @Override
    public void onComplete(Consumer<Outcome> callback) {
        ctx.onComplete(callback);
    }

    // what the chain reports reaches the request's observers

    @Override
    public boolean tracing() {
        return trace != null;
    }

    @Override
    public void stage(String stage, long nanos) {
        // each filter reports its own time as a "filter" stage; the chain's "middleware" would count it twice
        if (trace != null && !stage.equals("middleware")) {
            trace.stage(stage, nanos);
        }
    }

    @Override
    public void handlerReturned(Object value) {
        if (ctx instanceof HandlerReturn observer) {
            observer.handlerReturned(value);
        }
    }

    @Override
    public void awaiting(CompletionStage<?> stage) {
        if (ctx instanceof HandlerReturn observer) {
            observer.awaiting(stage);
        }
    }

    @Override
    public String toString() {
        return action.toString();
    }
}
