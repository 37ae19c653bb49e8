package dev.baton.internal.netty;

import dev.baton.internal.PendingWorkTracker;
import dev.baton.context.CancellationReason;
import dev.baton.context.CancellationSource;
import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.PendingWork;
import dev.baton.context.RequestContext;
import dev.baton.context.TraceParent;
import dev.baton.http.Request;
import dev.baton.internal.HandlerReturn;
import dev.baton.internal.OnceCallbacks;
import dev.baton.internal.ResultAdapter;
import dev.baton.internal.StageTrace;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.routing.Route;
import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * A request's context as its handler sees it: the request and its route, attributes, the
 * deadline, the cancellation token, the async work it tracks, the callbacks on its end, and what
 * the pipeline tells the request's listener (stages timed, the stage awaited). What runs the
 * handler and answers once is {@link Exchange}, built on it.
 */
abstract class RequestScope implements RequestContext, HandlerReturn, StageTrace {
    final CancellationSource token = new CancellationSource();
    final PendingWorkTracker pendingWork = new PendingWorkTracker();
    private final Request request;
    private final Route route;
    private final Deadline deadline;
    private final ResponseSink sink;
    /** Made on first registration: most requests never register a callback. */
    private volatile OnceCallbacks<Outcome> completionCallbacks;
    private volatile Outcome completedAs;
    final ExchangeListener listener;
    private volatile Map<String, Object> attributes;
    /** Parsed on first use (null until then): most requests are never asked for it. */
    private volatile Optional<TraceParent> traceParent;
    /** The deepest stage the request waits on (the action's, beneath filters and middleware): a timeout fails it. */
    private volatile CompletableFuture<?> deepestStage;

    /** {@code rawPath}: the path as routed, for the access log ({@code accessLog} null when off). */
    RequestScope(Request request, String rawPath, Route route, Deadline deadline, ResponseSink sink, ServerMetrics.RouteMetrics routeMetrics,
                 SafetyNets nets, AccessLog accessLog, RequestTrace trace, long arrivalNanos) {
        this.request = request;
        this.route = route;
        this.deadline = deadline;
        this.sink = sink;
        this.listener = new RequestObserver(route, routeMetrics, nets, pendingWork, trace,
                trace == null ? arrivalNanos : System.nanoTime(), accessLog == null ? null : accessLog.entry(this, rawPath, arrivalNanos));
    }

    CompletableFuture<?> deepestStage() {
        return deepestStage;
    }

    @Override
    public boolean tracing() {
        return listener.tracing();
    }

    @Override
    public void stage(String stage, long nanos) {
        listener.stage(stage, nanos);
    }

    @Override
    public void handlerReturned(Object value) {
        listener.handlerReturned(value);
    }

    @Override
    public void awaiting(CompletionStage<?> stage) {
        if (deepestStage == null) {
            deepestStage = ResultAdapter.cancellable(stage);
        }
    }

    /** The request ended so: its completion callbacks run now, here. */
    void completed(Outcome how) {
        completedAs = how;
        OnceCallbacks<Outcome> c = completionCallbacks;
        if (c != null) {
            c.fire(how);
        }
    }

    /** Fires the token when the connection closes after the response started (streams). */
    public void cancelToken(CancellationReason why) {
        token.cancel(why);
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public Route route() {
        return route;
    }

    @Override
    public Optional<TraceParent> traceParent() {
        Optional<TraceParent> t = traceParent;
        if (t == null) {
            t = RequestContext.super.traceParent(); // the same on every thread: a race parses twice, harmlessly
            traceParent = t;
        }
        return t;
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> a = attributes;
        if (a == null) {
            synchronized (this) {
                a = attributes;
                if (a == null) {
                    a = new ConcurrentHashMap<>(4);
                    attributes = a;
                }
            }
        }
        return a;
    }

    @Override
    public Deadline deadline() {
        return deadline;
    }

    @Override
    public CancellationToken cancellation() {
        return token;
    }

    @Override
    public PendingWork pendingWork() {
        return pendingWork;
    }

    /** The event loop of the request's connection, for Baton modules that do I/O on behalf of the request. */
    public EventLoop eventLoop() {
        return sink.eventLoop();
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return sink.eventLoop();
    }

    @Override
    public void onComplete(Consumer<Outcome> callback) {
        OnceCallbacks<Outcome> c = completionCallbacks;
        if (c == null) {
            synchronized (this) {
                c = completionCallbacks;
                if (c == null) {
                    c = new OnceCallbacks<>("a request's completion");
                    completionCallbacks = c;
                }
            }
        }
        c.add(callback);
        Outcome how = completedAs;
        if (how != null) {
            c.fire(how); // completed before the list existed, or between the add and now
        }
    }
}
