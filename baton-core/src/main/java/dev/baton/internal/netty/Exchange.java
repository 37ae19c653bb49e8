package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.context.CancellationReason;
import dev.baton.http.RequestTimeoutException;
import dev.baton.http.Response;
import dev.baton.internal.ResultAdapter;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.internal.websocket.HandshakeExchange;
import dev.baton.routing.Route;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request in flight: the context handed to the handler, and the adapter that completes
 * its response exactly once, whichever comes first of the handler's result, the timeout, the
 * client leaving or shutdown. A result that loses the race is dropped and counted. It answers
 * through its {@link ResponseSink} and is observed by its {@link ExchangeListener}; it calls
 * nothing else of the server.
 */
public final class Exchange extends RequestScope implements Dispatch, HandshakeExchange {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    final NettyRequest request;
    final RequestTarget target;
    final boolean keepAlive;
    final boolean head;
    final long arrivalNanos;
    final ServerMetrics.RouteMetrics routeMetrics;
    /** When the timeout fires (System.nanoTime), 0 for none; watched by the connection's {@link RequestTimeout}. */
    final long timeoutAtNanos;
    private final ResponseSink sink;
    private final ServerParts server;
    private final RouteExecutor executor;
    private final AtomicReference<Outcome> outcome = new AtomicReference<>();
    /** Its place in the worker queue until a worker takes it. */
    final QueuePlace queuePlace;
    private volatile CompletableFuture<?> pendingStage;
    /** Set when the timeout fires: the pipeline is unwinding with a RequestTimeoutException. */
    private final AtomicBoolean timingOut = new AtomicBoolean();
    private volatile RequestTimeoutException timeoutFailure;
    /** True while the handler's thread answers inline: the rendering is not timed apart. Same-thread only. */
    private boolean runningInline;

    Exchange(ResponseSink sink, ServerParts server, NettyRequest request, RequestTarget target, Route route,
             RouteExecutor executor, ServerMetrics.RouteMetrics routeMetrics, RequestTimeout.Budget budget,
             boolean keepAlive, boolean head, long arrivalNanos, RequestTrace trace) {
        super(request, target.rawPath(), route, budget.deadline(), sink, routeMetrics, server.nets(), server.accessLog(), trace, arrivalNanos);
        this.sink = sink;
        this.server = server;
        this.request = request;
        this.target = target;
        this.executor = executor;
        this.routeMetrics = routeMetrics;
        this.timeoutAtNanos = budget.fireAtNanos();
        this.keepAlive = keepAlive;
        this.head = head;
        this.arrivalNanos = arrivalNanos;
        this.queuePlace = new QueuePlace(server.workers());
    }

    /** Starts the handler under its route's executor; a full worker queue is answered 503 at once. */
    void start() {
        if (!executor.run(this, sink.eventLoop()) && finish(Outcome.REJECTED)) {
            server.metrics().rejected.increment();
            answer(server.renderer().unavailable("the request queue is full", request.path()));
        }
    }

    @Override
    public ServerConfig serverConfig() {
        return server.config();
    }

    /** Runs {@code producer} (a streamed body's, a session's callback) as the route runs its handlers; false if refused. */
    @Override
    public boolean executeProducer(Runnable producer) {
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
            result = route().handler().handle(this);
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
        ResponseRenderer renderer = server.renderer();
        ResponseRenderer.Rendered rendered = renderer.encoded(renderer.render(response, target.rawPath(), route(), request.path()),
                request.headers());
        if (timed) {
            listener.rendered(System.nanoTime() - start);
        }
        sink.write(this, rendered);
    }

    /** The answer to a streamed body's producer that failed before its head went out. */
    ResponseRenderer.Rendered errorAnswer(Throwable error) {
        return server.renderer().render(server.errors().toResponse(error, this), target.rawPath(), route(), request.path());
    }

    private void late() {
        server.metrics().lateCompletions.increment();
        log.debug("{}: handler completed after the response was sent ({}); result dropped", route(), outcome.get());
    }

    /**
     * The timeout fired (on the event loop; see {@link RequestTimeout#fire}): from now on the
     * pipeline unwinds with {@code failure}, and an answer it gives is a timed-out one. False if
     * the request had ended already.
     */
    boolean startTimingOut(RequestTimeoutException failure) {
        if (outcome.get() != null || !timingOut.compareAndSet(false, true)) {
            return false;
        }
        server.metrics().timedOut.increment();
        queuePlace.giveBack();
        timeoutFailure = failure;
        return true;
    }

    /** The stage to fail with the timeout: the deepest one pending (the action's), else the handler's; null for none. */
    CompletableFuture<?> timeoutTarget() {
        CompletableFuture<?> deepest = deepestStage();
        return deepest != null && !deepest.isDone() ? deepest : pendingStage;
    }

    /**
     * Unwinds the pipeline with the timeout (off the event loop). {@code target}, the stage pending,
     * fails before the token fires, so that a callback that cancels the stage on the token cannot
     * turn the timeout into a plain cancellation (fail() reads one that still wins a race as the
     * timeout). With nothing to unwind (null: still queued, or the handler holds its thread) the
     * exception mappers answer.
     */
    void unwindTimeout(CompletableFuture<?> target, RequestTimeoutException failure) {
        if (target == null) {
            token.cancel(CancellationReason.TIMEOUT);
            Response r = server.errors().toResponse(failure, this);
            if (finish(Outcome.TIMED_OUT)) {
                answer(r);
            }
            return;
        }
        // the work behind that stage goes on, but its complete() will be refused where no one can
        // see it: its result is the late one, counted before the answer goes out
        boolean counted = !target.isDone();
        if (counted) {
            late();
        }
        if (!target.completeExceptionally(failure) && counted) {
            server.metrics().lateCompletions.decrement(); // it had completed meanwhile: on time after all
        }
        token.cancel(CancellationReason.TIMEOUT);
    }

    /** The pipeline did not answer within the grace: the built-in problem goes out. */
    void timeoutFallback(RequestTimeoutException failure) {
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
        queuePlace.giveBack();
        token.cancel(why);
        cancelStage();
        return true;
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
        completed(how);
        return true;
    }

    Outcome outcome() {
        return outcome.get();
    }

    @Override
    public boolean isCompleted() {
        return outcome.get() != null;
    }

    @Override
    public String toString() {
        return route() + " " + request.uri();
    }
}
