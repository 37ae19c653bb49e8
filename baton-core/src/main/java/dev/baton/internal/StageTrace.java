package dev.baton.internal;

/**
 * Where pipeline stages (middleware, filters, the action) report how long they held the current
 * thread, for the request's thread trace. Implemented by the request context.
 */
public interface StageTrace {

    /** True when this request is traced; callers skip their clock reads otherwise. */
    boolean tracing();

    /** Records that {@code stage} ran on the current thread for {@code nanos}. */
    void stage(String stage, long nanos);
}
