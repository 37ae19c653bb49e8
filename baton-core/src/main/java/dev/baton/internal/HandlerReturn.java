package dev.baton.internal;

/**
 * Told what the route's own handler returned, beneath any middleware (which always answers
 * with a stage). The safety nets need it to tell a sync handler from an async one.
 */
public interface HandlerReturn {
    void handlerReturned(Object value);
}
