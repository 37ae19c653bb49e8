package dev.baton.internal.netty;

import dev.baton.http.Response;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;

/**
 * A streamed response on an HTTP/2 stream: its head a HEADERS frame, each write a DATA frame, and
 * an empty DATA frame with END_STREAM its end. The codec sends DATA as the stream's flow-control
 * window allows; the stream's writability (its {@link Http2StreamOutlet}) is the producer's backpressure.
 */
final class Http2StreamWire implements ResponseStream.Wire, StreamSink.Framing {
    private final Http2StreamAnswers answers;

    Http2StreamWire(Http2StreamAnswers answers) {
        this.answers = answers;
    }

    @Override
    public Object head(Response response, String serverTiming) {
        return new DefaultHttp2HeadersFrame(answers.heads().of(response, -1, serverTiming), false);
    }

    @Override
    public StreamSink.Framing framing() {
        return this;
    }

    @Override
    public Object chunk(ByteBufAllocator alloc, byte[] chunk) {
        return new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(chunk), false);
    }

    @Override
    public Object last() {
        return new DefaultHttp2DataFrame(true);
    }

    @Override
    public long writeAnswer(ResponseRenderer.Rendered answer, boolean head, Runnable written) {
        return answers.writeWhole(answer, head, null, written);
    }

    @Override
    public boolean closeDelimited() {
        return false; // a stream ends with END_STREAM; the connection goes on
    }
}
