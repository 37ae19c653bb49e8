package dev.baton.internal.netty;

import dev.baton.http.Response;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/** An HTTP/1 connection's streamed response: chunked on 1.1, delimited by close on 1.0 or when the connection closes after it. */
final class Http1StreamWire implements ResponseStream.Wire {
    private final ChannelHandlerContext ctx;
    private final ResponseWriter writer;
    private final boolean closeDelimited;

    Http1StreamWire(ChannelHandlerContext ctx, ResponseWriter writer, boolean close) {
        this.ctx = ctx;
        this.writer = writer;
        this.closeDelimited = writer.http10() || close;
    }

    @Override
    public Object head(Response response, String serverTiming) {
        return writer.streamHead(response, closeDelimited, serverTiming);
    }

    @Override
    public StreamSink.Framing framing() {
        return writer.http10() ? StreamSink.RAW : StreamSink.CHUNKED;
    }

    @Override
    public long writeAnswer(ResponseRenderer.Rendered answer, boolean head, Runnable written) {
        // (while the stream was in progress no later request started: the writer's version is still its own)
        ByteBuf msg = writer.encode(answer.response(), answer.json(), head, closeDelimited, null);
        int bytes = msg.readableBytes();
        ctx.writeAndFlush(msg).addListener(f -> written.run());
        return bytes;
    }

    @Override
    public boolean closeDelimited() {
        return closeDelimited;
    }
}
