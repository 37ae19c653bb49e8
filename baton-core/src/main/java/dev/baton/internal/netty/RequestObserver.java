package dev.baton.internal.netty;

import dev.baton.internal.PendingWorkTracker;
import dev.baton.context.RequestContext.Outcome;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.routing.Route;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The server's {@link ExchangeListener}: counts a request's thread-hold time into its route,
 * keeps the thread-name trace of a traced request, runs the per-request safety nets (a
 * synchronous handler leaving async work behind, an async one holding its thread too long, a
 * request completing while its async work is pending) and writes its access-log line.
 */
final class RequestObserver implements ExchangeListener {
    private final Route route;
    private final ServerMetrics.RouteMetrics routeMetrics;
    private final SafetyNets nets;
    private final PendingWorkTracker pendingWork;
    /** Null unless the request asked for a trace. */
    private final RequestTrace trace;
    private final long dispatchedNanos;
    private volatile long holdNanos;
    /** The handler returned after its answer: its hold went to the route directly. */
    private volatile boolean holdCountedLate;
    private volatile Boolean returnedStage;
    private volatile boolean syncStageReported;
    private volatile boolean actionTraced;
    private volatile long awaitStartNanos;
    /** When the response was handed to the connection (traced requests only). */
    private volatile long sentNanos;
    /** Null when the access log is off. */
    private final AccessLog.Entry accessLog;

    RequestObserver(Route route, ServerMetrics.RouteMetrics routeMetrics, SafetyNets nets, PendingWorkTracker pendingWork,
                    RequestTrace trace, long dispatchedNanos, AccessLog.Entry accessLog) {
        this.accessLog = accessLog;
        this.route = route;
        this.routeMetrics = routeMetrics;
        this.nets = nets;
        this.pendingWork = pendingWork;
        this.trace = trace;
        this.dispatchedNanos = dispatchedNanos;
    }

    @Override
    public void handlerStarting(long startNanos) {
        if (trace != null) {
            trace.add("queue", Thread.currentThread().getName(), startNanos - dispatchedNanos);
        }
    }

    @Override
    public void handlerReturned(Object value) {
        returnedStage = value instanceof CompletionStage;
    }

    @Override
    public void handlerThrew(long heldNanos, boolean answered) {
        held(heldNanos, answered);
    }

    @Override
    public void handlerEnded(Object result, boolean pending, long heldNanos, boolean answered) {
        held(heldNanos, answered);
        if (trace != null && !actionTraced) {
            trace.add("action", Thread.currentThread().getName(), heldNanos);
        }
        if (returnedStage == null) {
            handlerReturned(result); // no middleware in between
        }
        if (pending && trace != null) {
            awaitStartNanos = System.nanoTime();
        }
        // a sync handler must not leave async work behind (it would be abandoned at completion)
        if (!returnedStage && pendingWork.pending() > 0) {
            syncStageReported = true;
            nets.asyncInSyncStage(route, pendingWork.descriptions());
        }
        // an async handler that held its thread too long before returning its stage is fake async
        if (returnedStage && nets.isFakeAsync(heldNanos, routeMetrics.count() < SafetyNets.WARM_UP_REQUESTS)) {
            nets.fakeAsync(route, heldNanos);
        }
    }

    @Override
    public void stageCompleted() {
        if (trace != null && awaitStartNanos != 0) {
            trace.add("await", RequestTrace.NO_THREAD, System.nanoTime() - awaitStartNanos);
        }
    }

    @Override
    public void stage(String name, long nanos) {
        if (trace != null) {
            if (name.equals("action")) {
                actionTraced = true;
            }
            trace.add(name, Thread.currentThread().getName(), nanos);
        }
    }

    @Override
    public void rendered(long nanos) {
        addHold(nanos);
        if (trace != null) {
            trace.add("complete", Thread.currentThread().getName(), nanos);
            sentNanos = System.nanoTime();
        }
    }

    @Override
    public void completed(Outcome how, List<String> abandoned) {
        if (!abandoned.isEmpty() && !syncStageReported && (how == Outcome.RESPONDED || how == Outcome.FAILED)) {
            nets.pendingAtCompletion(route, abandoned);
        }
    }

    @Override
    public void sent(int status, long bytes) {
        if (accessLog != null) {
            accessLog.write(status, bytes, holdNanos);
        }
    }

    @Override
    public boolean tracing() {
        return trace != null;
    }

    @Override
    public long holdNanos() {
        return holdNanos;
    }

    @Override
    public String serverTiming() {
        return trace == null ? null : trace.endWithWrite(sentNanos);
    }

    private void held(long nanos, boolean answered) {
        if (answered) {
            holdCountedLate = true; // and not again in holdNanos, which the response's numbers may read still
            routeMetrics.addHold(nanos);
        } else {
            addHold(nanos);
        }
    }

    private void addHold(long nanos) {
        if (!holdCountedLate) {
            holdNanos += nanos;
        }
    }
}
