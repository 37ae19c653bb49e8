package dev.baton.internal.netty;

import dev.baton.http.HttpException;
import dev.baton.internal.body.BodySource;
import dev.baton.internal.body.RequestBodyStream;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import java.io.IOException;

/**
 * An HTTP/2 request body streaming to its handler. DATA goes into the body as it comes, and the
 * stream's flow-control window is returned by hand (no stream channel returns it): at once while
 * the reader keeps up, and not while it holds enough, so the client's sends stall on the window
 * and a slow reader holds at most the window and {@link RequestBodyStream#HIGH_WATER}; the
 * connection keeps reading its other streams meanwhile, the window being HTTP/2's own
 * backpressure. A 100
 * (HEADERS with {@code :status 100}) goes out when the reader first asks for bytes. Past the
 * route's limit the body fails with 413, trickling below the minimum rate with 408, and no more is
 * read; answered before its end, the rest is dropped and the stream is reset after the answer
 * (RFC 9113 8.1). Event loop only.
 */
final class Http2BodySource implements BodySource {
    private final Http2StreamOutlet outlet;
    private final Http2ConnectionParts parts;
    final RequestBodyStream body;
    private final long length;
    private final long limit;
    private final BodyRate rate;
    private long received;
    private boolean continueOwed;
    /** The body failed (too large, too slow, malformed, the client gone): nothing more is read for it. */
    private boolean broken;
    /** The answer went out first: what still arrives is dropped until the stream's reset. */
    private boolean abandoned;
    /** DATA bytes (padding included) received and not yet returned to the client's window. */
    private int unreturned;
    /** When the reader began to hold enough, or 0 while it keeps up. */
    private long pausedSince;

    /** {@code length}: declared, or -1; {@code limit}: the route's; {@code continueOwed}: the client waits for a 100. */
    Http2BodySource(Http2StreamOutlet outlet, Http2ConnectionParts parts, long length, long limit, boolean continueOwed, BodyRate rate) {
        this.outlet = outlet;
        this.parts = parts;
        this.length = length;
        this.limit = limit;
        this.continueOwed = continueOwed;
        this.rate = rate;
        this.body = new RequestBodyStream(outlet.executor(), this, length, limit);
    }

    /**
     * A DATA frame's payload (the caller keeps and releases it), {@code flowControlled} its bytes
     * counted against the window (padding included), {@code last} with END_STREAM. False when the
     * body broke the framing its content-length declared: a malformed request, which the caller
     * resets with PROTOCOL_ERROR (RFC 9113 8.1.1).
     */
    boolean data(ByteBuf content, int flowControlled, boolean last) {
        unreturned += flowControlled;
        boolean ok = take(content, last);
        if (!body.isPaused()) {
            returnWindow(false); // the read that brought it flushes
        }
        return ok;
    }

    private boolean take(ByteBuf content, boolean last) {
        int n = content.readableBytes();
        if (n > 0) {
            continueOwed = false; // the client sends its body without waiting
            received += n;
            if (length >= 0 && received > length) {
                stop(new HttpException(400, "more DATA than content-length"));
                return false;
            }
            if (broken || abandoned) {
                return true;
            }
            if (received > limit) {
                stop(new HttpException(413, "the request body is larger than " + limit + " bytes"));
                return true;
            }
            if (body.awaitsClient() && rate.tooSlow(n, System.nanoTime())) {
                stop(tooSlow());
                return true;
            }
            body.offer(content);
        }
        if (last) {
            if (length >= 0 && received != length) {
                stop(new HttpException(400, "less DATA than content-length"));
                return false;
            }
            body.end();
        }
        return true;
    }

    /** For the connection's body-rate timer: true while the body is still awaited (and checked again). */
    private boolean checkRate(long nowNanos) {
        if (broken || abandoned || body.isEnded()) {
            return false;
        }
        if (body.awaitsClient() && rate.tooSlow(0, nowNanos)) {
            stop(tooSlow());
            return false;
        }
        return true;
    }

    private HttpException tooSlow() {
        return new HttpException(408, "the request body arrived slower than " + rate.minBytesPerSecond() + " bytes per second");
    }

    /** The stream closed before the body ended: the client reset it, or the connection went. */
    void closed() {
        broken = true;
        body.fail(new IOException("the client reset the stream before the request body ended"));
    }

    /**
     * The reader gets {@code failure} and nothing more is read: the client's window closes on what
     * it still sends, and the answer (the status of {@code failure}, if the handler passes it on)
     * and the stream's reset end it.
     */
    private void stop(HttpException failure) {
        broken = true;
        continueOwed = false;
        body.fail(failure);
    }

    /** Gives the client back what it sent and the reader took (or what is dropped); never for a broken body. */
    private void returnWindow(boolean flush) {
        if (unreturned > 0 && !broken) {
            int n = unreturned;
            unreturned = 0;
            outlet.returnWindow(n, flush);
        }
    }

    @Override
    public void pause() {
        if (pausedSince == 0) {
            pausedSince = System.nanoTime();
        }
    }

    @Override
    public void resume() {
        if (pausedSince != 0) {
            rate.paused(System.nanoTime() - pausedSince); // the reader's pace, not the client's
            pausedSince = 0;
        }
        returnWindow(true);
    }

    @Override
    public void started() {
        if (broken || abandoned) {
            return;
        }
        rate.start(System.nanoTime());
        parts.watchBodyRate(this::checkRate);
        if (continueOwed) {
            continueOwed = false;
            outlet.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("100"), false));
        }
    }

    /** The stream is reset after the answer: the connection goes on whatever is left of the body. */
    @Override
    public boolean abandon(long received, long length) {
        abandoned = true;
        continueOwed = false;
        return true;
    }
}
