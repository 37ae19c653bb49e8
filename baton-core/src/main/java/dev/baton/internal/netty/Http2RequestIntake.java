package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.http.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;

/**
 * What the client sends on an HTTP/2 stream, made into its request: the HEADERS checked by
 * {@link Http2RequestHead}, the DATA gathered up to the body limit (or, for a route that streams
 * its body, the request handed on at its HEADERS and the DATA fed to an {@link Http2BodySource}),
 * the 100 Continue, the body held to the server's minimum rate (408). A whole request goes to the
 * {@link Http2StreamRequest}; a malformed one is reset or refused through the
 * {@link Http2StreamAnswers}. Event loop only.
 */
final class Http2RequestIntake {
    private final Http2StreamOutlet outlet;
    private final Http2ConnectionParts parts;
    private final RequestDispatcher dispatcher;
    private final ServerParts server;
    private final ServerConfig config;
    private final StreamedRoutes streamedRoutes;
    private final Http2StreamRequest request;
    private final Http2StreamAnswers answers;
    private Http2RequestHead head;
    private BodyRate rate;
    /** The body of a route that streams it, or null while the body is aggregated. */
    private Http2BodySource streaming;
    private long arrivalNanos;
    private ByteBuf body;
    private long bodyBytes;
    /** The request is complete, answered early or refused: further frames of the client are dropped. */
    private boolean requestEnded;

    Http2RequestIntake(Http2StreamOutlet outlet, Http2ConnectionParts parts, RequestDispatcher dispatcher,
                       Http2StreamRequest request, Http2StreamAnswers answers) {
        this.outlet = outlet;
        this.parts = parts;
        this.dispatcher = dispatcher;
        this.server = dispatcher.server();
        this.config = server.config();
        this.streamedRoutes = dispatcher.streamedRoutes();
        this.request = request;
        this.answers = answers;
    }

    void onHeaders(Http2HeadersFrame f) {
        if (streaming != null) {
            streamedTrailers(f);
            return;
        }
        if (requestEnded) {
            return;
        }
        long streamLimit = 0;
        try {
            if (head == null) {
                arrivalNanos = System.nanoTime();
                head = Http2RequestHead.of(f.headers(), config.maxHeaderCount());
                streamLimit = streamedRoutes.streamLimit(head.method, head.target);
                head.checkLength(streamLimit > 0 ? streamLimit : config.maxBodySize());
                rate = new BodyRate(config.minRequestBodyRate(), config.bodyRateGrace().toNanos());
            } else if (!f.isEndStream()) {
                throw new Http2RequestHead.Malformed(0, "HEADERS after the head that does not end the stream");
            } else {
                Http2RequestHead.checkTrailers(f.headers());
            }
        } catch (Http2RequestHead.Malformed m) {
            reject(m);
            return;
        }
        if (streamLimit > 0) {
            // dispatched at its head: the body follows as it arrives, and its 100 when the handler asks
            streaming = new Http2BodySource(outlet, parts, head.contentLength, streamLimit,
                    head.expectsContinue && !f.isEndStream(), rate);
            dispatch(new StreamedRequest(head.toRequest(Unpooled.EMPTY_BUFFER), streaming.body));
            onStreamedData(Unpooled.EMPTY_BUFFER, 0, f.isEndStream());
        } else if (f.isEndStream()) {
            dispatch();
        } else if (head != null && bodyAwaited()) {
            awaitBody();
        }
    }

    /** An aggregated body is wanted from its HEADERS on: a 100 if asked (unless the answer is known already), and its pace watched. */
    private void awaitBody() {
        if (head.expectsContinue) {
            Dispatch.Refused refused = dispatcher.refuseBeforeBody(head.toRequest(Unpooled.EMPTY_BUFFER));
            if (refused != null) {
                requestEnded = true; // its final answer, then the reset: the body is not read
                answers.refused(refused);
                return;
            }
            outlet.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("100"), false));
        }
        rate.start(System.nanoTime());
        parts.watchBodyRate(this::checkBodyRate);
    }

    private boolean bodyAwaited() {
        return !requestEnded && !answers.clientDone();
    }

    /** Trailers after a streamed body: checked and dropped, as after an aggregated one. */
    private void streamedTrailers(Http2HeadersFrame f) {
        try {
            if (!f.isEndStream()) {
                throw new Http2RequestHead.Malformed(0, "HEADERS after the head that does not end the stream");
            }
            Http2RequestHead.checkTrailers(f.headers());
        } catch (Http2RequestHead.Malformed m) {
            streaming.closed();
            resetStream(Http2Error.PROTOCOL_ERROR);
            return;
        }
        onStreamedData(Unpooled.EMPTY_BUFFER, 0, true);
    }

    /** A streamed body's DATA (or its end): a body that breaks its content-length resets the stream. */
    private void onStreamedData(ByteBuf content, int flowControlled, boolean last) {
        if (!streaming.data(content, flowControlled, last)) {
            resetStream(Http2Error.PROTOCOL_ERROR);
        }
    }

    /**
     * For the connection's body-rate timer: true while this stream's aggregated body is still
     * awaited; one trickling below the minimum rate is answered 408. (A streamed body is watched
     * by its {@link Http2BodySource}.)
     */
    private boolean checkBodyRate(long nowNanos) {
        if (!bodyAwaited()) {
            return false;
        }
        if (rate.tooSlow(0, nowNanos)) {
            reject(slowBody());
            return false;
        }
        return true;
    }

    private Http2RequestHead.Malformed slowBody() {
        return new Http2RequestHead.Malformed(408, "the request body arrived slower than " + rate.minBytesPerSecond() + " bytes per second");
    }

    void onData(Http2DataFrame f) {
        if (streaming != null) {
            onStreamedData(f.content(), f.initialFlowControlledBytes(), f.isEndStream());
            return;
        }
        // gathered, or dropped: the client has its window back at once (the body budget bounds what is held)
        outlet.returnWindow(f.initialFlowControlledBytes(), false);
        if (requestEnded) {
            return;
        }
        if (head == null) { // (the codec refuses DATA on an idle stream; this is a second line)
            reject(new Http2RequestHead.Malformed(0, "DATA before HEADERS"));
            return;
        }
        int n = f.content().readableBytes();
        if (n > 0) {
            bodyBytes += n;
            if (bodyBytes > config.maxBodySize()) {
                reject(new Http2RequestHead.Malformed(413, "the request body exceeds " + config.maxBodySize() + " bytes"));
                return;
            }
            if (head.contentLength >= 0 && bodyBytes > head.contentLength) {
                reject(new Http2RequestHead.Malformed(0, "more DATA than content-length"));
                return;
            }
            if (!f.isEndStream() && rate.tooSlow(n, System.nanoTime())) {
                reject(slowBody());
                return;
            }
            if (!parts.holdBody(n)) {
                // the connection holds as many bodies as it may: this stream was not processed, the client may retry it
                requestEnded = true;
                releaseBody();
                resetStream(Http2Error.REFUSED_STREAM);
                return;
            }
            if (body == null) {
                // grown as DATA comes: a declared length is no reason to reserve memory before the bytes arrive
                body = outlet.alloc().heapBuffer(Math.max(n, (int) Math.min(head.contentLength >= 0 ? head.contentLength : n, 64 * 1024)));
            }
            body.writeBytes(f.content());
        }
        if (f.isEndStream()) {
            if (head.contentLength >= 0 && bodyBytes != head.contentLength) {
                reject(new Http2RequestHead.Malformed(0, "less DATA than content-length"));
                return;
            }
            dispatch();
        }
    }

    /** The request is whole: the dispatcher copies its body out now. */
    private void dispatch() {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : body;
        body = null;
        parts.releaseBody(content.readableBytes());
        dispatch(head.toRequest(content));
    }

    private void dispatch(FullHttpRequest req) {
        requestEnded = true;
        request.dispatch(req, arrivalNanos);
    }

    /** A malformed request: RST_STREAM(PROTOCOL_ERROR), or the problem its status says (400, 408, 413, 431). */
    private void reject(Http2RequestHead.Malformed m) {
        requestEnded = true;
        releaseBody();
        if (m.isStreamError()) {
            resetStream(Http2Error.PROTOCOL_ERROR);
            return;
        }
        String method = head == null ? null : head.method;
        answers.refused(new Dispatch.Refused(Problem.of(m.status, m.getMessage()).toResponse(), true, "HEAD".equals(method), false,
                server.accessLog() == null ? null : new Dispatch.Refused.Line(method, null, null, arrivalNanos)));
    }

    private void resetStream(Http2Error error) {
        outlet.reset(error);
    }

    /** The stream failed with a stream error of the codec's: the client's frames that follow are dropped. */
    void failed() {
        requestEnded = true;
    }

    /** The stream closed: a body being gathered is released, a streamed one fails its reader. */
    void closed() {
        releaseBody();
        requestEnded = true;
        if (streaming != null) {
            streaming.closed();
        }
    }

    private void releaseBody() {
        if (body != null) {
            parts.releaseBody(body.readableBytes());
            body.release();
            body = null;
        }
    }
}
