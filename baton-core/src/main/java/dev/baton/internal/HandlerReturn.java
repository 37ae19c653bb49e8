package dev.baton.internal;

/**
 * Told what the route's own handler returned, beneath any middleware (which always answers
 * with a stage). The safety nets need it to tell a sync handler from an async one.
 */
public interface HandlerReturn {
    void handlerReturned(Object value);

    /**
     * The deepest stage the request waits on: the action's own (a controller registers it before
     * its filters wrap it), else the handler's. A timeout fails this one, so that everything
     * around it (filters, middleware, mappers) sees the failure on its way out. The first
     * registration wins.
     */
    default void awaiting(java.util.concurrent.CompletionStage<?> stage) {
    }
}
