package dev.baton.internal.netty;

import dev.baton.http.FileBody;
import dev.baton.http.Response;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamFrame;

/**
 * How an HTTP/2 stream's answers leave: a whole answer as HEADERS and DATA frames, counted by the
 * {@link RequestAccounting} before its bytes leave, and RST_STREAM(NO_ERROR) after an answer to a
 * client still sending (RFC 9113 8.1). Knows whether the client's side of the stream has ended,
 * as its {@link Http2ServerStream} tells it. Event loop only.
 */
final class Http2StreamAnswers {
    private final Http2StreamOutlet outlet;
    private final Http2ConnectionParts parts;
    private final ServerParts server;
    private final RequestAccounting accounting;
    /** The client's side of the stream ended (END_STREAM): an early answer needs no reset after it. */
    private boolean clientDone;

    Http2StreamAnswers(Http2StreamOutlet outlet, Http2ConnectionParts parts, ServerParts server) {
        this.outlet = outlet;
        this.parts = parts;
        this.server = server;
        this.accounting = parts.accounting();
    }

    Http2ResponseHead heads() {
        return parts.heads();
    }

    /** A frame of the client arrived; {@code endStream}: its last. */
    void clientSent(boolean endStream) {
        clientDone = endStream;
    }

    boolean clientDone() {
        return clientDone;
    }

    /** {@code ex}'s whole answer, counted and written; the stream is free for nothing else after it. */
    void answer(Exchange ex, ResponseRenderer.Rendered answer) {
        // account before the bytes leave, so that a client never sees its response before the numbers do
        accounting.answered(ex, answer.response().status() >= 500);
        ex.listener.sent(answer.response().status(), writeWhole(answer, ex.head, ex.listener.serverTiming(), null));
        accounting.idle();
    }

    /** The client left before {@code ex} was answered: counted, and logged as gone. */
    void clientGone(Exchange ex) {
        accounting.answered(ex, false);
        ex.listener.sent(AccessLog.CLIENT_GONE, 0);
        accounting.idle();
    }

    /** The server stopped before {@code ex} was answered: 503. */
    void shutDown(Exchange ex) {
        Response unavailable = server.renderer().unavailable("the server shut down before the request completed", ex.request.path());
        ex.request.settleBody();
        accounting.answered(ex, true);
        ex.listener.sent(503, writeWhole(server.renderer().own(unavailable), ex.head, null, null));
        accounting.idle();
    }

    /** An answer no handler made (404, 405, 503, a malformed request...). */
    void refused(Dispatch.Refused refused) {
        accounting.refused(refused, (int) writeWhole(server.renderer().own(refused.response()), refused.head(), null, null));
    }

    /** A streamed answer ended; a streamed request body it did not read to its end is dropped, the stream reset. */
    void streamEnded(ResponseStream ended) {
        accounting.streamEnded();
        ended.request().settleBody();
        if (!clientDone) {
            resetAfterAnswer();
        }
    }

    /**
     * Writes a whole response as HEADERS and, unless it has none or answers HEAD, one DATA frame
     * (the codec splits it to the peer's frame size and its window); runs {@code written} once it
     * is out. Returns the body's bytes. A response the client's side still sends a body to is
     * followed by RST_STREAM(NO_ERROR) (RFC 9113 8.1).
     */
    long writeWhole(ResponseRenderer.Rendered answer, boolean isHead, String serverTiming, Runnable written) {
        Response r = answer.response();
        byte[] content = switch (r.bodyKind()) {
            case EMPTY -> null;
            case BYTES -> (byte[]) r.body();
            case JSON -> answer.json();
            // a streamed body that ends with its head (HEAD, 204, 304): no length to declare
            case STREAM, EVENTS -> null;
            // a file that ends with its head (HEAD, 304): its length is declared, as GET would
            case FILE -> null;
            case UPGRADE -> throw new IllegalStateException("no protocol upgrade on an HTTP/2 stream (RFC 9113 8.6)");
        };
        int status = r.status();
        boolean noContent = ResponseEncoder.hasNoLengthFields(status) || status == 205;
        long length = noContent || content == null ? switch (r.bodyKind()) {
            case STREAM, EVENTS -> -1;
            case FILE -> ((FileBody) r.body()).length();
            default -> 0;
        } : content.length;
        boolean data = !isHead && !noContent && content != null && content.length > 0;
        var headers = new DefaultHttp2HeadersFrame(parts.heads().of(r, length, serverTiming), !data);
        // a failed write is the stream's, which the codec resets: no promise when nothing waits for it
        boolean wait = written != null || !clientDone;
        if (data) {
            outlet.writeUnwatched(headers);
        }
        Http2StreamFrame end = data ? new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(content), true) : headers;
        if (wait) {
            outlet.write(end).addListener(f -> {
                if (written != null) {
                    written.run();
                }
                if (f.isSuccess() && !clientDone) {
                    resetAfterAnswer();
                }
            });
        } else {
            outlet.writeUnwatched(end);
        }
        parts.flushSoon(); // one flush for all the streams answered in this turn of the loop
        return data ? content.length : 0;
    }

    /**
     * RST_STREAM(NO_ERROR) after a complete answer to a client still sending (RFC 9113 8.1), unless
     * the stream closed meanwhile: once the client has spent its window (see
     * {@link Http2StreamOutlet#resetOnceSpent}).
     */
    private void resetAfterAnswer() {
        outlet.resetOnceSpent(Http2Error.NO_ERROR);
    }
}
