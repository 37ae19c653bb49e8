package dev.baton.internal.netty;

import dev.baton.context.CancellationReason;
import dev.baton.http.HttpException;
import dev.baton.http.Response;

/**
 * A streamed response in progress on its connection (a body stream or an event stream): its head,
 * its producer run the way its route runs handlers, its latency (time to first byte, or to the
 * error that replaced it), and how it ends: by itself, cut by the client leaving, or by shutdown.
 * The request stays in flight until the body ends. Event loop only, but for the producer.
 */
final class ResponseStream {

    /** Told (event loop) when the body ended; {@code closeDelimited}: the connection's close ends it. */
    @FunctionalInterface
    interface Ended {
        void ended(ResponseStream stream, boolean closeDelimited);
    }

    /** How the stream's connection writes it: HTTP/1 ({@link Http1StreamWire}) or an HTTP/2 stream. */
    interface Wire {
        /** The response head, sent with the first write or once the producer returns. */
        Object head(Response response, String serverTiming);

        StreamSink.Framing framing();

        /**
         * Writes a whole response in place of the stream (the error of a producer that failed before
         * the head) and runs {@code written} once it is out; returns its bytes.
         */
        long writeAnswer(ResponseRenderer.Rendered answer, boolean head, Runnable written);

        /** Whether the body ends with the connection's close (HTTP/1.0, or a connection closing after it). */
        boolean closeDelimited();
    }

    private final ResponseOutlet outlet;
    private final Wire wire;
    private final Exchange ex;
    private final Response response;
    private final boolean closeDelimited;
    private final Ended onEnded;
    private final boolean eventStream;
    private StreamSink sink;
    private boolean recorded;
    /** Why the stream was cut short, if it was: what its token fires with. */
    private CancellationReason cut;
    /** The status that went out (an error's, when the producer failed before the head) and that answer's bytes. */
    private int status;
    private long errorBytes;

    ResponseStream(ResponseOutlet outlet, Wire wire, Exchange ex, Response response, Ended onEnded) {
        this.outlet = outlet;
        this.wire = wire;
        this.ex = ex;
        this.response = response;
        this.closeDelimited = wire.closeDelimited();
        this.onEnded = onEnded;
        this.eventStream = response.bodyKind() == Response.BodyKind.EVENTS;
    }

    /** The request this stream answers. */
    NettyRequest request() {
        return ex.request;
    }

    void start() {
        Object head = wire.head(response, ex.listener.serverTiming());
        boolean serverError = response.status() >= 500;
        status = response.status();
        StreamSink s = new StreamSink(outlet, wire.framing(), head, this::answerFailed, () -> record(serverError), this::ended);
        sink = s;
        if (!ex.executeProducer(() -> s.start(response, ex))) {
            s.fail(new HttpException(503, "the request queue is full"));
        }
    }

    /**
     * Cuts the stream short for {@code why}. A client gone ends it at once; on shutdown an event
     * stream ends cleanly with its last chunk (its client reconnects elsewhere) and true is
     * returned: the connection closes once that is written. Any other body is cut so that it
     * looks cut (or, not begun yet, gets its 503 instead of its head).
     */
    boolean cut(CancellationReason why) {
        cut = why;
        if (why == CancellationReason.CLIENT_DISCONNECT) {
            sink.clientGone();
            return false;
        }
        if (eventStream) {
            sink.close();
            return true;
        }
        sink.fail(new HttpException(503, "the server shut down before the request completed"));
        return false;
    }

    /** The producer failed before anything was sent: the error's own response instead (event loop). */
    private void answerFailed(Throwable error, Runnable end) {
        ResponseRenderer.Rendered r = ex.errorAnswer(error);
        record(r.response().status() >= 500);
        status = r.response().status();
        errorBytes = wire.writeAnswer(r, ex.head, end);
    }

    /** The route's latency, once. */
    private void record(boolean error) {
        if (!recorded) {
            recorded = true;
            ex.routeMetrics.record(System.nanoTime() - ex.arrivalNanos, ex.listener.holdNanos(), error);
        }
    }

    private void ended() {
        record(false); // the client left before the head went out: one request all the same
        if (cut != null) {
            ex.cancelToken(cut); // a body that ended as it should fires nothing
        }
        long bytes = sink.bytesSent() + errorBytes;
        ex.listener.sent(bytes == 0 && cut == CancellationReason.CLIENT_DISCONNECT ? AccessLog.CLIENT_GONE : status, bytes);
        onEnded.ended(this, closeDelimited);
    }
}
