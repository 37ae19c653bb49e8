package dev.baton.internal.netty;

import dev.baton.context.CancellationReason;
import dev.baton.context.CancellationSource;
import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.RequestContext;
import dev.baton.http.Request;
import dev.baton.http.RequestTimeoutException;
import dev.baton.internal.ResultAdapter;
import dev.baton.http.Response;
import dev.baton.routing.Route;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request in flight: the context handed to the handler, and the adapter that completes
 * its response exactly once, whichever comes first of the handler's result, the timeout, the
 * client leaving or shutdown. A result that loses the race is dropped and counted.
 */
public final class Exchange implements RequestContext, dev.baton.internal.HandlerReturn, dev.baton.internal.StageTrace {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    final ConnectionHandler connection;
    final NettyRequest request;
    final Route route;
    final boolean keepAlive;
    final boolean head;
    final long arrivalNanos;
    private final Deadline deadline;
    private final Dispatcher dispatcher;
    private final CancellationSource token = new CancellationSource();
    private volatile Map<String, Object> attributes;
    private final AtomicReference<Outcome> outcome = new AtomicReference<>();
    /** Its place in the worker queue until a worker takes it; given back if the request ends first. */
    private volatile WorkerPool.Task queuedTask;
    /** Made on first registration: most requests register none. */
    private volatile ConcurrentLinkedQueue<Consumer<Outcome>> completionCallbacks;
    private final PendingWorkTracker pendingWork = new PendingWorkTracker();
    private volatile CompletableFuture<?> pendingStage;
    /** The deepest stage the request waits on (the action's, beneath filters and middleware): a timeout fails it. */
    private volatile CompletableFuture<?> deepestStage;
    /** Set when the timeout fires: the pipeline is unwinding with a RequestTimeoutException. */
    private final java.util.concurrent.atomic.AtomicBoolean timingOut = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile RequestTimeoutException timeoutFailure;
    private final RequestTrace trace;
    final long dispatchedNanos;
    /** When the response was handed to the connection (traced requests only). */
    volatile long sentNanos;
    final dev.baton.internal.metrics.ServerMetrics.RouteMetrics routeMetrics;
    private volatile long holdNanos;
    /** The handler returned after its answer: its hold went to the route directly (holdLate). */
    private volatile boolean holdCountedLate;
    private volatile long awaitStartNanos;
    private volatile boolean syncStageReported;
    private volatile Boolean handlerReturnedStage;
    private volatile boolean actionTraced;
    /** True while the handler's thread answers inline: the rendering is not timed apart. Same-thread only. */
    boolean runningInline;
    /** When the timeout fires (System.nanoTime), 0 for none; watched by the connection's single timer. */
    volatile long timeoutAtNanos;

    Exchange(Dispatcher dispatcher, ConnectionHandler connection, NettyRequest request, Route route, Deadline deadline,
             boolean keepAlive, boolean head, long arrivalNanos, RequestTrace trace,
             dev.baton.internal.metrics.ServerMetrics.RouteMetrics routeMetrics) {
        this.trace = trace;
        this.dispatchedNanos = trace == null ? arrivalNanos : System.nanoTime();
        this.routeMetrics = routeMetrics;
        this.dispatcher = dispatcher;
        this.connection = connection;
        this.request = request;
        this.route = route;
        this.deadline = deadline;
        this.keepAlive = keepAlive;
        this.head = head;
        this.arrivalNanos = arrivalNanos;
    }


    /** Runs the handler on the current thread; a no-op if the request already ended (timed out while queued). */
    void execute() {
        if (outcome.get() != null || timingOut.get()) {
            return; // ended, or timed out while it waited for its thread: the handler does not run
        }
        Thread me = Thread.currentThread();
        long start = System.nanoTime();
        if (trace != null) {
            trace.add("queue", me.getName(), start - dispatchedNanos);
        }
        Object result;
        dispatcher.handlerStarted(this);
        try {
            result = route.handler().handle(this);
        } catch (Throwable t) {
            dispatcher.handlerEnded(this);
            holdLate(start);
            addHold(System.nanoTime() - start);
            fail(t);
            return;
        }
        dispatcher.handlerEnded(this);
        holdLate(start);
        boolean pending = ResultAdapter.isPending(result);
        if (pending || trace != null) {
            // the thread is released now (async), or a traced request wants its stages timed apart
            long held = System.nanoTime() - start;
            addHold(held);
            if (trace != null && !actionTraced) {
                trace.add("action", me.getName(), held);
            }
            checkBeforeAnswer(result, pending);
            checkHold(held);
            try {
                accept(result);
            } catch (Throwable t) {
                fail(t);
            }
            return;
        }
        // a value: answered on this thread; the hold is counted before the response is accounted,
        // and the (short) rendering is not timed apart
        long held = System.nanoTime() - start;
        addHold(held);
        checkBeforeAnswer(result, false);
        checkHold(held);
        runningInline = true;
        try {
            accept(result);
        } catch (Throwable t) {
            fail(t);
        } finally {
            runningInline = false;
        }
    }

    @Override
    public boolean tracing() {
        return trace != null;
    }

    @Override
    public void stage(String stage, long nanos) {
        if (trace != null) {
            if (stage.equals("action")) {
                actionTraced = true;
            }
            trace.add(stage, Thread.currentThread().getName(), nanos);
        }
    }

    @Override
    public void handlerReturned(Object value) {
        handlerReturnedStage = value instanceof CompletionStage ? Boolean.TRUE : Boolean.FALSE;
    }

    @Override
    public void awaiting(CompletionStage<?> stage) {
        if (deepestStage == null) {
            deepestStage = ResultAdapter.cancellable(stage);
        }
    }

    /** Before the answer: a sync handler must not leave async work behind (it would be abandoned at completion). */
    private void checkBeforeAnswer(Object result, boolean pending) {
        if (handlerReturnedStage == null) {
            handlerReturned(result); // no middleware in between
        }
        if (pending && trace != null) {
            awaitStartNanos = System.nanoTime();
        }
        if (!handlerReturnedStage && pendingWork.pending() > 0) {
            syncStageReported = true;
            dispatcher.nets().asyncInSyncStage(route, pendingWork.descriptions());
        }
    }

    /** An async handler that held its thread too long before returning its stage is fake async. */
    private void checkHold(long held) {
        if (handlerReturnedStage && dispatcher.nets().isFakeAsync(held, routeMetrics.count() < SafetyNets.WARM_UP_REQUESTS)) {
            dispatcher.nets().fakeAsync(route, held);
        }
    }

    /**
     * Answered while the handler still ran (timed out, client gone): the route's numbers are
     * written already, but the thread the handler held must still show in its thread-hold time.
     */
    private void holdLate(long start) {
        if (outcome.get() != null) {
            holdCountedLate = true; // and not again in holdNanos, which the response's numbers may read still
            routeMetrics.addHold(System.nanoTime() - start);
        }
    }

    void addHold(long nanos) {
        if (!holdCountedLate) {
            holdNanos += nanos;
        }
    }

    long holdNanos() {
        return holdNanos;
    }

    RequestTrace trace() {
        return trace;
    }

    private void accept(Object result) {
        if (result instanceof CompletionStage<?> stage) {
            CompletableFuture<?> cf = ResultAdapter.cancellable(stage);
            if (cf != null && cf.isDone()) {
                // already complete: answer on this thread, no hop
                Object value;
                try {
                    value = cf.join();
                } catch (Throwable t) {
                    fail(t);
                    return;
                }
                accept(value);
                return;
            }
            pendingStage = cf;
            stage.whenComplete((value, error) -> {
                pendingStage = null;
                if (trace != null && awaitStartNanos != 0) {
                    trace.add("await", RequestTrace.NO_THREAD, System.nanoTime() - awaitStartNanos);
                }
                if (error != null) {
                    fail(error);
                } else {
                    accept(value);
                }
            });
            return;
        }
        Response response;
        try {
            response = ResultAdapter.toResponse(result);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        if (finish(Outcome.RESPONDED)) {
            connection.send(this, response);
        } else {
            late();
        }
    }

    private void fail(Throwable error) {
        Throwable t = ErrorMapping.unwrap(error);
        RequestTimeoutException timedOut = timeoutFailure;
        if (timedOut != null && t instanceof CancellationException && !(t instanceof RequestTimeoutException)) {
            t = timedOut; // cancelled because the timeout fired: it is the timeout
        }
        if (outcome.get() != null) {
            // our own cancellation of the stage is expected, anything else arrived too late
            if (!(t instanceof CancellationException)) {
                late();
            }
            return;
        }
        Response response = dispatcher.errors().toResponse(t, this); // send() adds Allow or Retry-After
        if (finish(Outcome.FAILED)) {
            connection.send(this, response);
        } else {
            late();
        }
    }

    private void late() {
        dispatcher.metrics().lateCompletions.increment();
        log.debug("{}: handler completed after the response was sent ({}); result dropped", route, outcome.get());
    }

    /**
     * The async timeout fired (on the event loop). The timeout is an ordinary failure of the
     * pipeline: the deepest pending stage fails with {@link RequestTimeoutException}, so filters,
     * middleware and exception mappers see it on its way out and may render their own answer.
     * A request with nothing to unwind (still queued, or its handler still holding its thread)
     * goes to the exception mappers directly. Either way the answer is bounded: past
     * {@link #TIMEOUT_ANSWER_GRACE_MILLIS} the built-in problem goes out.
     */
    void timeout() {
        if (outcome.get() != null || !timingOut.compareAndSet(false, true)) {
            return;
        }
        dispatcher.metrics().timedOut.increment();
        leaveQueue();
        long now = System.nanoTime();
        RequestTimeoutException failure = new RequestTimeoutException(
                java.time.Duration.ofNanos(Math.max(0, timeoutAtNanos - arrivalNanos)), java.time.Duration.ofNanos(now - arrivalNanos));
        timeoutFailure = failure;
        connection.eventLoop().schedule(() -> timeoutFallback(failure), TIMEOUT_ANSWER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        CompletableFuture<?> target = deepestStage != null && !deepestStage.isDone() ? deepestStage : pendingStage;
        // the unwinding runs application code (filters, middleware, mappers, token callbacks):
        // never on the event loop, whose timer must stay free to send the fallback
        Thread.ofVirtual().name("baton-timeout").start(() -> {
            // the stage fails with the timeout before the token fires, so that a callback that
            // cancels the stage on the token cannot turn the timeout into a plain cancellation
            // (fail() reads one that still wins a race as the timeout). A client call's own
            // future aborts its call when completed so.
            if (target != null) {
                // the work behind that stage goes on, but its complete() will be refused where no
                // one can see it: its result is the late one, counted before the answer goes out
                boolean counted = !target.isDone();
                if (counted) {
                    late();
                }
                boolean failed = target.completeExceptionally(failure);
                if (counted && !failed) {
                    dispatcher.metrics().lateCompletions.decrement(); // it had completed meanwhile: on time after all
                }
                token.cancel(CancellationReason.TIMEOUT);
                return;
            }
            token.cancel(CancellationReason.TIMEOUT);
            // no pending stage to unwind (still queued, or the handler still holds its thread)
            Response r = dispatcher.errors().toResponse(failure, this);
            if (finish(Outcome.TIMED_OUT)) {
                connection.send(this, r);
            }
        });
    }

    /** How long after its timeout a request's own pipeline may take to answer, before the built-in problem. */
    static final long TIMEOUT_ANSWER_GRACE_MILLIS = 1000;

    private void timeoutFallback(RequestTimeoutException failure) {
        if (finish(Outcome.TIMED_OUT)) {
            cancelStage();
            connection.send(this, ErrorMapping.problem(dispatcher.config().timeoutStatus(), failure.getMessage(), this));
        }
    }

    /** The client left or the server is stopping: cancel without answering (disconnect) or with 503 (shutdown). */
    boolean abandon(CancellationReason why) {
        Outcome o = why == CancellationReason.SHUTDOWN ? Outcome.SHUT_DOWN : Outcome.CLIENT_DISCONNECTED;
        if (!finish(o)) {
            token.cancel(why);
            return false;
        }
        leaveQueue();
        token.cancel(why);
        cancelStage();
        return true;
    }

    void queuedAs(WorkerPool.Task task) {
        queuedTask = task;
    }

    /** An ended request still waiting for a worker must not keep live ones out of a full queue. */
    private void leaveQueue() {
        WorkerPool.Task t = queuedTask;
        if (t != null) {
            queuedTask = null;
            dispatcher.workers().withdraw(t);
        }
    }

    /** Rejected before running (queue full). */
    boolean reject() {
        return finish(Outcome.REJECTED);
    }

    /** True if a pending stage was cancelled here (false: none, or it completed first and is late on its own). */
    private boolean cancelStage() {
        CompletableFuture<?> cf = pendingStage;
        return cf != null && cf.cancel(false);
    }

    private boolean finish(Outcome outcomeOf) {
        // an answer the pipeline gives while unwinding a timeout is still a timed-out request
        Outcome how = timingOut.get() && (outcomeOf == Outcome.RESPONDED || outcomeOf == Outcome.FAILED)
                ? Outcome.TIMED_OUT : outcomeOf;
        if (!outcome.compareAndSet(null, how)) {
            return false;
        }
        java.util.List<String> abandoned = pendingWork.abandonAll();
        if (!abandoned.isEmpty() && !syncStageReported
                && (how == Outcome.RESPONDED || how == Outcome.FAILED)) {
            dispatcher.nets().pendingAtCompletion(route, abandoned);
        }
        ConcurrentLinkedQueue<Consumer<Outcome>> queue = completionCallbacks;
        Consumer<Outcome> c;
        while (queue != null && (c = queue.poll()) != null) {
            runCallback(c, how);
        }
        return true;
    }

    private void runCallback(Consumer<Outcome> c, Outcome how) {
        try {
            c.accept(how);
        } catch (RuntimeException e) {
            log.warn("{}: completion callback failed", route, e);
        }
    }

    Outcome outcome() {
        return outcome.get();
    }

    /** Fires the token when the connection closes after the response started (streams). */
    void cancelToken(CancellationReason why) {
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
    public dev.baton.context.PendingWork pendingWork() {
        return pendingWork;
    }

    /** The event loop of the request's connection, for Baton modules that do I/O on behalf of the request. */
    public io.netty.channel.EventLoop eventLoop() {
        return connection.eventLoop();
    }

    @Override
    public java.util.concurrent.ScheduledExecutorService scheduler() {
        return connection.eventLoop();
    }

    @Override
    public boolean isCompleted() {
        return outcome.get() != null;
    }

    @Override
    public void onComplete(Consumer<Outcome> callback) {
        ConcurrentLinkedQueue<Consumer<Outcome>> queue = completionCallbacks;
        if (queue == null) {
            synchronized (this) {
                queue = completionCallbacks;
                if (queue == null) {
                    queue = new ConcurrentLinkedQueue<>();
                    completionCallbacks = queue;
                }
            }
        }
        queue.add(callback);
        Outcome how = outcome.get();
        if (how != null && queue.remove(callback)) {
            runCallback(callback, how);
        }
    }

    @Override
    public String toString() {
        return route + " " + request.uri();
    }
}
