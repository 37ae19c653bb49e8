package dev.baton.internal.netty;

import dev.baton.http.HttpException;
import dev.baton.internal.body.BodySource;
import dev.baton.internal.body.RequestBodyStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 request body streaming to its handler: the {@link RequestAggregator} passes each
 * chunk on as it is decoded, and reading the connection stops while the reader holds enough.
 * A {@code 100 Continue} goes out when the reader first asks for bytes. Answered before its end,
 * the rest is read and dropped up to {@link #DRAIN_LIMIT} bytes, as Tomcat's swallow limit does;
 * past that the connection closes after the answer. Event loop only.
 */
final class ChannelBodySource implements BodySource {
    /** The most unread body drained so that the connection can serve its next request. */
    static final long DRAIN_LIMIT = 256 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ChannelHandlerContext ctx;
    private final StrictRequestScanner scanner;
    final RequestBodyStream body;
    private boolean continueOwed;
    /** The body broke the protocol or the client left: nothing more is read for it. */
    private boolean broken;
    /** The answer went out first: what still arrives is dropped, {@code drainLeft} more bytes at most. */
    private boolean abandoned;
    private long drainLeft;
    private final PausedReading reading;

    ChannelBodySource(ChannelHandlerContext ctx, HttpRequest head, long limit, boolean continueOwed) {
        this.ctx = ctx;
        this.scanner = ctx.pipeline().get(StrictRequestScanner.class);
        this.continueOwed = continueOwed;
        this.reading = new PausedReading(ctx.channel());
        long length = HttpUtil.isTransferEncodingChunked(head) ? -1 : HttpUtil.getContentLength(head, 0L);
        this.body = new RequestBodyStream(ctx.executor(), this, length, limit);
    }

    /** A piece of the body from the decoder (released here); true when it was the last. */
    boolean content(HttpContent content) {
        try {
            if (content.decoderResult().isFailure()) {
                broken = true;
                body.fail(new HttpException(400, "malformed request body"));
                return true;
            }
            int n = content.content().readableBytes();
            if (n > 0) {
                continueOwed = false; // the client sends its body without waiting
                if (abandoned && (drainLeft -= n) < 0) {
                    broken = true;
                    closeAfterAnswer();
                    return true;
                }
                body.offer(content.content());
            }
            if (content instanceof LastHttpContent) {
                body.end();
                return true;
            }
            return false;
        } finally {
            content.release();
        }
    }

    /** The scanner refused the rest of the body (400, 413, 408): the reader gets that status. */
    void rejected(RejectedRequest rejected) {
        broken = true;
        body.fail(new HttpException(rejected.status(), rejected.detail()));
        if (abandoned) {
            closeAfterAnswer(); // the answer is out already: the refusal has no one to go to
        }
    }

    /** The connection closed mid-body. */
    void closed() {
        broken = true;
        body.fail(new IOException("the client closed the connection before the request body ended"));
    }

    /** After what is written: the client may still be sending, so the close lingers (see {@link LingeringClose}). */
    private void closeAfterAnswer() {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(LingeringClose.INSTANCE);
    }

    @Override
    public void pause() {
        if (!broken) {
            reading.pause();
        }
    }

    @Override
    public void resume() {
        if (!broken) {
            reading.resume(nanos -> {
                if (scanner != null && nanos > 0) {
                    scanner.readingWasPaused(nanos); // the reader's pace, not the client's
                }
            });
        }
    }

    @Override
    public void started() {
        if (continueOwed && !broken) {
            continueOwed = false;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    @Override
    public boolean abandon(long received, long length) {
        // a client still waiting for its 100 Continue may send the body or not: only closing is safe
        boolean drainable = !broken && !continueOwed && (length < 0 || length - received <= DRAIN_LIMIT);
        abandoned = true;
        continueOwed = false;
        drainLeft = drainable ? DRAIN_LIMIT : Long.MAX_VALUE; // closing anyway: drop what comes meanwhile
        return drainable;
    }
}
