package dev.baton.internal.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.util.function.IntSupplier;

/**
 * One HTTP/2 stream of a connection, one request: its {@link Http2Connection} hands it the
 * client's HEADERS and DATA, which its {@link Http2RequestIntake} makes the request its
 * {@link Http2StreamRequest} dispatches and serves; the answers leave through the
 * {@link Http2StreamAnswers}, as HEADERS and DATA frames on its {@link Http2StreamOutlet}. A
 * stream the client resets, or whose connection closes, cancels its request with
 * {@code CLIENT_DISCONNECT}. What the connection's streams share (its clock, its timers, its body
 * budget) is its {@link Http2ConnectionParts}; the connection feeds the stream, asks it whether it
 * is busy and cancels it on shutdown, but is never called from here. Confined to its connection's
 * event loop.
 */
final class Http2ServerStream {
    private final Http2ConnectionParts parts;
    private final Http2StreamOutlet outlet;
    private final Http2StreamAnswers answers;
    private final Http2StreamRequest request;
    private final Http2RequestIntake intake;

    /** {@code ctx}: the connection's handler's, right after the frame codec. */
    /** {@code receiveWindow}: what the client may still send on the stream, from the codec. */
    Http2ServerStream(ChannelHandlerContext ctx, Http2FrameStream stream, Http2ConnectionParts parts, RequestDispatcher dispatcher,
                      IntSupplier receiveWindow) {
        this.parts = parts;
        this.outlet = new Http2StreamOutlet(ctx, stream, parts.unwatched(), receiveWindow);
        this.answers = new Http2StreamAnswers(outlet, parts, dispatcher.server());
        this.request = new Http2StreamRequest(outlet, ctx.channel(), parts, dispatcher, answers);
        this.intake = new Http2RequestIntake(outlet, parts, dispatcher, request, answers);
    }

    void onHeaders(Http2HeadersFrame f) {
        answers.clientSent(f.isEndStream());
        intake.onHeaders(f);
    }

    void onData(Http2DataFrame f) {
        answers.clientSent(f.isEndStream());
        intake.onData(f);
        outlet.dataArrived(f.isEndStream());
    }

    /** The codec closed the stream: answered, reset by the client, or its connection gone. */
    void closed() {
        outlet.closed();
        request.clientLeft();
        intake.closed(); // after the token: a handler failing with its body is not an answer to a client gone
        request.cutStream();
    }

    /** The stream's flow-control window changed its writability (the producer of a streamed answer polls it). */
    void writable(boolean writable) {
        outlet.writable(writable);
    }

    /**
     * A stream error the codec found (a body longer or shorter than its content-length, say): the
     * client's frames that follow are dropped, the stream reset with its code.
     */
    void failed(Http2Error error) {
        intake.failed();
        outlet.reset(error);
    }

    /** A frame of this stream could not be handled (a bug): the stream is reset, the connection goes on. */
    void broke() {
        intake.failed();
        outlet.reset(Http2Error.CANCEL);
    }

    /** Graceful shutdown ran out of time: cancel what is in flight on this stream and answer 503. */
    void cancelForShutdown() {
        request.cancelForShutdown();
    }

    /** Whether a request of this stream is being served (not merely arriving). */
    boolean busy() {
        return request.busy();
    }
}
