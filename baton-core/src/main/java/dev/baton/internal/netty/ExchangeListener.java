package dev.baton.internal.netty;

import dev.baton.context.RequestContext.Outcome;
import java.util.List;

/**
 * What happens to one request, as its {@link Exchange} goes through it: thread-hold time, the
 * thread-name trace and the safety nets all observe a request through one of these (OkHttp's
 * {@code EventListener} is the model), so the exchange itself knows nothing of them. One per
 * request: it may keep the request's own figures.
 */
interface ExchangeListener {

    /** The handler starts, on its thread, at {@code startNanos}. */
    void handlerStarting(long startNanos);

    /** A middleware or the invoker saw what the handler returned: a stage or a value. */
    void handlerReturned(Object value);

    /**
     * The handler returned {@code result} after holding its thread for
     * {@code heldNanos}; {@code pending}: a stage that is not done yet; {@code answered}: the
     * request had already ended meanwhile (timed out, client gone). Before the answer.
     */
    void handlerEnded(Object result, boolean pending, long heldNanos, boolean answered);

    /** The handler threw after holding its thread for {@code heldNanos}; {@code answered} as for {@link #handlerEnded}. */
    void handlerThrew(long heldNanos, boolean answered);

    /** The stage the handler returned completed (on whatever thread completed it). */
    void stageCompleted();

    /** A named stage of the pipeline took {@code nanos} on this thread (controllers time their actions). */
    void stage(String name, long nanos);

    /** The response was rendered on this thread in {@code nanos}, just before it goes to the connection. */
    void rendered(long nanos);

    /** The request ended so; {@code abandoned}: the async work still pending then (cancelled). */
    void completed(Outcome how, List<String> abandoned);

    /**
     * The response is done: its last byte was handed to the connection (a stream's end, cut or
     * not), or none will be ({@code status} 499: the client left first). {@code bytes}: what went
     * to the connection, head included. Once per request, on the connection's event loop.
     */
    void sent(int status, long bytes);

    /** True if the request wants its stages timed apart (a traced request). */
    boolean tracing();

    /** The thread-hold time of the request so far. */
    long holdNanos();

    /** The {@code Server-Timing} value of a traced request, its write included; null when not traced. */
    String serverTiming();
}
