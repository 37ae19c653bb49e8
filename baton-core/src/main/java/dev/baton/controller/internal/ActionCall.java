package dev.baton.controller.internal;

import dev.baton.context.RequestContext;
import dev.baton.controller.ActionContext;
import dev.baton.internal.StageTrace;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** One invocation of an action, as its filters see it. */
final class ActionCall implements ActionContext {
    private final RequestContext ctx;
    private final ActionHandler action;
    private final List<Object> arguments;
    private final StageTrace trace;
    private volatile Object result;

    ActionCall(RequestContext ctx, ActionHandler action, Object[] arguments) {
        this.ctx = ctx;
        this.action = action;
        this.arguments = Collections.unmodifiableList(Arrays.asList(arguments));
        this.trace = ctx instanceof StageTrace t && t.tracing() ? t : null;
    }

    /** Where the filters report their thread time; null when the request is not traced. */
    StageTrace trace() {
        return trace;
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

    @Override
    public String toString() {
        return action.toString();
    }
}
