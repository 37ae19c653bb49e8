package dev.baton.internal.netty;

import dev.baton.context.CancellationReason;
import dev.baton.context.CancellationSource;
import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.RequestContext;
import dev.baton.http.Request;
import dev.baton.http.RequestTimeoutException;
import dev.baton.http.Response;
import dev.baton.internal.HandlerReturn;
import dev.baton.internal.OnceCallbacks;
import dev.baton.internal.ResultAdapter;
import dev.baton.internal.StageTrace;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.routing.Route;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request in flight: the context handed to the handler, and the adapter that completes
 * its response exactly once, whichever comes first of the handler's result, the timeout, the
 * client leaving or shutdown. A result that loses the race is dropped and counted. It answers
 * through its {@link ResponseSink} and is observed by its {@link ExchangeListener}; it calls
 * nothing else of the server.
 */
public final class Exchange implements RequestContext, HandlerReturn, StageTrace {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    /** How long after its timeout a request's own pipeline may take to answer, before the built-in problem. */
    static final long TIMEOUT_ANSWER_GRACE_MILLIS = 1000;

    final NettyRequest request;
    final RequestTarget target;
    final Route route;
    final boolean keepAlive;
    final boolean head;
    final long arrivalNanos;
    final ServerMetrics.RouteMetrics routeMetrics;
    /** When the timeout fires (System.nanoTime), 0 for none; watched by the connection's {@link RequestTimeout}. */
    final long timeoutAtNanos;
    private final ResponseSink sink;
    private final ServerParts server;
    private final RouteExecutor executor;
    private final ExchangeListener listener;
    private final Deadline deadline;
    private final CancellationSource token = new CancellationSource();
    private final PendingWorkTracker pendingWork;
    private final AtomicReference<Outcome> outcome = new AtomicReference<>();
    private final OnceCallbacks<Outcome> completionCallbacks = new OnceCallbacks<>("a request's completion");
    private volatile Map<String, Object> attributes;
    /** Its place in the worker queue until a worker takes it; given back if the request ends first. */
    private volatile WorkerPool.Task queuedTask;
    private volatile CompletableFuture<?> pendingStage;
    /** The deepest stage the request waits on (the action's, beneath filters and middleware): a timeout fails it. */
    private volatile CompletableFuture<?> deepestStage;
    /** Set when the timeout fires: the pipeline is unwinding with a RequestTimeoutException. */
    private final AtomicBoolean timingOut = new AtomicBoolean();
    private volatile RequestTimeoutException timeoutFailure;
    /** True while the handler's thread answers inline: the rendering is not timed apart. Same-thread only. */
    private boolean runningInline;

    Exchange(ResponseSink sink, ServerParts server, NettyRequest request, RequestTarget target, Route route,
             RouteExecutor executor, ServerMetrics.RouteMetrics routeMetrics, RequestTimeout.Budget budget,
             boolean keepAlive, boolean head, long arrivalNanos, RequestTrace trace) {
        this.sink = sink;
        this.server = server;
        this.request = request;
        this.target = target;
        this.route = route;
        this.executor = executor;
        this.routeMetrics = routeMetrics;
        this.deadline = budget.deadline();
        this.timeoutAtNanos = budget.fireAtNanos();
        this.keepAlive = keepAlive;
        this.head = head;
        this.arrivalNanos = arrivalNanos;
        this.pendingWork = new PendingWorkTracker();
        this.listener = new RequestObserver(route, routeMetrics, server.nets(), pendingWork, trace,
                trace == null ? arrivalNanos : System.nanoTime());
    }

    /** Starts the handler under its route's executor; a full worker queue is answered 503 at once. */
    void start() {
        if (!executor.run(this, sink.eventLoop()) && finish(Outcome.REJECTED)) {
            server.metrics().rejected.increment();
            answer(server.renderer().unavailable("the request queue is full", request.path()));
        }
    }

    /** Runs {@code producer} (a streamed body's) the way the route runs its handlers; false if refused. */
    boolean executeProducer(Runnable producer) {
        return executor.execute(producer, sink.eventLoop());
    }

    /** Runs the handler on the current thread; a no-op if the request already ended (timed out while queued). */
    void execute() {
        if (outcome.get() != null || timingOut.get()) {
            return; // ended, or timed out while it waited for its thread: the handler does not run
        }
        long start = System.nanoTime();
        listener.handlerStarting(start);
        Object result;
        try {
            result = route.handler().handle(this);
        } catch (Throwable t) {
            listener.handlerThrew(System.nanoTime() - start, isCompleted());
            fail(t);
            return;
        }
        boolean pending = ResultAdapter.isPending(result);
        listener.handlerEnded(result, pending, System.nanoTime() - start, isCompleted());
        // a value answered on this thread: the (short) rendering is not timed apart
        runningInline = !pending && !listener.tracing();
        try {
            accept(result);
        } catch (Throwable t) {
            fail(t);
        } finally {
            runningInline = false;
        }
    }

    ExchangeListener listener() {
        return listener;
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
                listener.stageCompleted();
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
            answer(response);
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
        Response response = server.errors().toResponse(t, this);
        if (finish(Outcome.FAILED)) {
            answer(response);
        } else {
            late();
        }
    }

    /** Renders on this thread (timed into the request's hold) and hands the answer to the connection. */
    private void answer(Response response) {
        boolean timed = !runningInline; // inline answers skip two clock reads
        long start = timed ? System.nanoTime() : 0;
        ResponseRenderer.Rendered rendered = server.renderer().render(response, target.rawPath(), route, request.path());
        if (timed) {
            listener.rendered(System.nanoTime() - start);
        }
        sink.write(this, rendered);
    }

    /** The answer to a streamed body's producer that failed before its head went out. */
    ResponseRenderer.Rendered errorAnswer(Throwable error) {
        return server.renderer().render(server.errors().toResponse(error, this), target.rawPath(), route, request.path());
    }

    private void late() {
        server.metrics().lateCompletions.increment();
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
        server.metrics().timedOut.increment();
        leaveQueue();
        RequestTimeoutException failure = new RequestTimeoutException(Duration.ofNanos(Math.max(0, timeoutAtNanos - arrivalNanos)),
                Duration.ofNanos(System.nanoTime() - arrivalNanos));
        timeoutFailure = failure;
        sink.eventLoop().schedule(() -> timeoutFallback(failure), TIMEOUT_ANSWER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        CompletableFuture<?> target = deepestStage != null && !deepestStage.isDone() ? deepestStage : pendingStage;
        // the unwinding runs application code (filters, middleware, mappers, token callbacks):
        // never on the event loop, whose timer must stay free to send the fallback
        Thread.ofVirtual().name("baton-timeout").start(() -> {
            if (target != null) {
                unwind(target, failure);
                return;
            }
            token.cancel(CancellationReason.TIMEOUT);
            // no pending stage to unwind (still queued, or the handler still holds its thread)
            Response r = server.errors().toResponse(failure, this);
            if (finish(Outcome.TIMED_OUT)) {
                answer(r);
            }
        });
    }

    /**
     * Fails the stage with the timeout before the token fires, so that a callback that cancels
     * the stage on the token cannot turn the timeout into a plain cancellation (fail() reads one
     * that still wins a race as the timeout). A client call's own future aborts its call when
     * completed so.
     */
    private void unwind(CompletableFuture<?> target, RequestTimeoutException failure) {
        // the work behind that stage goes on, but its complete() will be refused where no one can
        // see it: its result is the late one, counted before the answer goes out
        boolean counted = !target.isDone();
        if (counted) {
            late();
        }
        boolean failed = target.completeExceptionally(failure);
        if (counted && !failed) {
            server.metrics().lateCompletions.decrement(); // it had completed meanwhile: on time after all
        }
        token.cancel(CancellationReason.TIMEOUT);
    }

    private void timeoutFallback(RequestTimeoutException failure) {
        if (finish(Outcome.TIMED_OUT)) {
            cancelStage();
            answer(ErrorMapping.problem(server.config().timeoutStatus(), failure.getMessage(), this));
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
            server.workers().withdraw(t);
        }
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
        listener.completed(how, pendingWork.abandonAll());
        completionCallbacks.fire(how);
        return true;
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
    public EventLoop eventLoop() {
        return sink.eventLoop();
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return sink.eventLoop();
    }

    @Override
    public boolean isCompleted() {
        return outcome.get() != null;
    }

    @Override
    public void onComplete(Consumer<Outcome> callback) {
        completionCallbacks.add(callback);
    }

    @Override
    public String toString() {
        return route + " " + request.uri();
    }
}
