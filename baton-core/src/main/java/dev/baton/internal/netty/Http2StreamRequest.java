package dev.baton.internal.netty;

import dev.baton.context.CancellationReason;
import dev.baton.http.FileBody;
import dev.baton.http.Response;
import dev.baton.internal.coding.FileBodyStream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import java.net.InetSocketAddress;

/**
 * The one request of an HTTP/2 stream once its {@link Http2RequestIntake} has it: hands it to the
 * {@link RequestDispatcher} and acts on its {@link Dispatch} (starts the exchange, or has the
 * refusal written), and is the {@link ResponseSink} the exchange answers through (from any
 * thread): a whole answer through the {@link Http2StreamAnswers}, or a {@link ResponseStream}.
 * It never calls back into what feeds it. Event loop only, but for {@link #write}.
 */
final class Http2StreamRequest implements ResponseSink {
    private final Http2StreamOutlet outlet;
    private final Channel connection;
    private final Http2ConnectionParts parts;
    private final RequestDispatcher dispatcher;
    private final ServerParts server;
    private final Http2StreamAnswers answers;
    private Exchange current;
    private ResponseStream stream;

    Http2StreamRequest(Http2StreamOutlet outlet, Channel connection, Http2ConnectionParts parts, RequestDispatcher dispatcher, Http2StreamAnswers answers) {
        this.outlet = outlet;
        this.connection = connection;
        this.parts = parts;
        this.dispatcher = dispatcher;
        this.server = dispatcher.server();
        this.answers = answers;
    }

    @Override
    public EventLoop eventLoop() {
        return connection.eventLoop();
    }

    /** The request arrived (its head alone, for a route that streams its body): routed and admitted like an HTTP/1.1 one. */
    void dispatch(FullHttpRequest req, long arrivalNanos) {
        InetSocketAddress remote = connection.remoteAddress() instanceof InetSocketAddress a ? a : null;
        Dispatch decision = dispatcher.dispatch(req, arrivalNanos, remote, parts.tls(), this);
        if (decision instanceof Exchange ex) {
            current = ex;
            ex.start();
            if (!ex.isCompleted()) {
                parts.watch(ex); // a request answered inline needs no timer
            }
        } else {
            answers.refused(StreamedRequest.settle(req, (Dispatch.Refused) decision));
        }
    }

    @Override
    public void writeOnLoop(Exchange ex, ResponseRenderer.Rendered answer) {
        if (ex != current) {
            return;
        }
        settled();
        if (!outlet.isOpen()) {
            answers.clientGone(ex);
            return;
        }
        Response response = answer.response();
        if (response.bodyKind() == Response.BodyKind.FILE && !ResponseWriter.endsWithHead(ex.head, response.status())) {
            // no sendfile on a stream: the file goes as DATA frames, read piece by piece off the event loop
            response = response.withStream(FileBodyStream.of((FileBody) response.body()));
        }
        boolean streamed = response.bodyKind() == Response.BodyKind.STREAM || response.bodyKind() == Response.BodyKind.EVENTS;
        if (streamed && !ResponseWriter.endsWithHead(ex.head, response.status())) {
            stream = new ResponseStream(outlet, new Http2StreamWire(answers), ex, response, (s, closeDelimited) -> streamEnded(s));
            stream.start();
            return;
        }
        ex.request.settleBody(); // a streamed body not read to its end: the stream is reset after the answer
        answers.answer(ex, answer);
    }

    /** The request in flight has its answer, or is abandoned: no longer in flight, nor timed. */
    private void settled() {
        parts.unwatch(current);
        current = null;
    }

    private void streamEnded(ResponseStream ended) {
        stream = null;
        answers.streamEnded(ended);
    }

    /** The stream closed under its request: the exchange in flight is cancelled and logged as gone. */
    void clientLeft() {
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.CLIENT_DISCONNECT)) {
            server.metrics().clientDisconnects.increment();
            settled();
            answers.clientGone(ex);
        }
    }

    /** The stream closed under a streamed answer: the stream stops. */
    void cutStream() {
        if (stream != null) {
            server.metrics().clientDisconnects.increment();
            stream.cut(CancellationReason.CLIENT_DISCONNECT);
        }
    }

    /** Graceful shutdown ran out of time: cancel what is in flight on this stream and answer 503. */
    void cancelForShutdown() {
        Exchange ex = current;
        if (ex != null && ex.abandon(CancellationReason.SHUTDOWN)) {
            server.shutdown().cancelled.increment();
            settled();
            answers.shutDown(ex);
        } else if (stream != null) {
            server.shutdown().cancelled.increment();
            stream.cut(CancellationReason.SHUTDOWN);
        }
    }

    /** Whether the request is being served (not merely arriving). */
    boolean busy() {
        return current != null || stream != null;
    }
}
