package dev.baton.controller;

import java.util.Map;

/**
 * The event-based style (ASP.NET MVC's {@code AsyncController}), for porting code that starts
 * several callbacks and gathers their results. The action takes an {@code AsyncOperations},
 * counts each operation it starts with {@link #increment()}, and each callback stores its result
 * in {@link #parameters()} and calls {@link #decrement()}. When the count reaches zero, the
 * completion method ({@code <action>Completed}, or one marked {@link Completed}) runs with those
 * parameters bound by name, and its return value is the response.
 *
 * <pre>{@code
 * @Get("/portal")
 * void portal(AsyncOperations ops) {
 *     ops.increment(2);
 *     news.latest(items -> { ops.parameters().put("news", items); ops.decrement(); });
 *     weather.today(w -> { ops.parameters().put("weather", w); ops.decrement(); });
 * }
 * Portal portalCompleted(List<News> news, Weather weather) { return new Portal(news, weather); }
 * }</pre>
 *
 * The action itself counts as an operation until it returns, so callbacks that finish at once
 * cannot complete the request early. Thread-safe.
 */
public interface AsyncOperations {

    /** One more operation outstanding. */
    default void increment() {
        increment(1);
    }

    /** {@code count} more operations outstanding. */
    void increment(int count);

    /** One operation finished; at zero the completion method runs, on this thread. */
    void decrement();

    /** Operations still outstanding. */
    int outstanding();

    /** Values for the completion method's parameters, by name; thread-safe, nulls allowed. */
    Map<String, Object> parameters();

    /**
     * Answers with this error instead of running the completion method (ignored once answered).
     * It ends the calling operation: do not also {@code decrement()} for it. Operations still
     * outstanding then are abandoned, and the safety net reports them.
     */
    void fail(Throwable error);
}
