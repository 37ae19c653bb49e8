package dev.baton.context;

import dev.baton.http.Request;
import dev.baton.routing.Route;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a handler gets for one request. Valid on any thread until the response has been
 * completed; it travels with the request across continuations, never through a ThreadLocal.
 *
 * <pre>{@code Handler h = ctx -> "hello " + ctx.request().query("name").asString("world");}</pre>
 */
public interface RequestContext {

    Request request();

    /** The matched route. */
    Route route();

    /** Per-request attributes (ASP.NET's HttpContext.Items): thread-safe, dropped with the request. */
    Map<String, Object> attributes();

    /** When the request must be answered: arrival plus the route's timeout, or none. */
    Deadline deadline();

    /** Fires on timeout, client disconnect or shutdown. */
    CancellationToken cancellation();

    /** Async work started for this request; the server warns about and cancels what is still open at completion. */
    PendingWork pendingWork();

    /**
     * The event loop of the request's connection, as a scheduler for timers and short
     * continuations. A stage completed here is written with no thread hop. Never block on it.
     */
    java.util.concurrent.ScheduledExecutorService scheduler();

    /**
     * The request's W3C {@code traceparent}, when it carried exactly one valid field; a malformed
     * one is ignored, never refused. The outbound client's {@code traceContext()} interceptor
     * continues it (same trace id, a new parent id) on calls made {@code .in(ctx)}.
     */
    default Optional<TraceParent> traceParent() {
        List<String> values = request().headers().all(TraceParent.HEADER);
        return values.size() == 1 ? TraceParent.parse(values.get(0).strip()) : Optional.empty();
    }

    /** True once the response has been completed (written, timed out or abandoned). */
    boolean isCompleted();

    /**
     * Runs {@code callback} once when the response completes, on the thread that completes it,
     * with the outcome. Lets middleware and diagnostics observe the end of a request.
     */
    void onComplete(Consumer<Outcome> callback);

    /** How a request ended. */
    enum Outcome {
        /** The handler's response was written. */
        RESPONDED,
        /** The handler failed and its error was mapped to a response. */
        FAILED,
        /** The async timeout fired first. */
        TIMED_OUT,
        /** The client left first. */
        CLIENT_DISCONNECTED,
        /** Server shutdown cancelled it. */
        SHUT_DOWN,
        /** Rejected before the handler ran (queue full, in-flight cap). */
        REJECTED
    }
}
