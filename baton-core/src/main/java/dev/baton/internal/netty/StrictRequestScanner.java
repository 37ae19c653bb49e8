package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Validates the raw bytes of every request before Netty's decoder sees them, and follows the
 * message framing (Content-Length, chunked) so that every pipelined head is checked.
 *
 * <p>Netty's decoder is lenient where RFC 9112 lets a server be strict and where leniency has
 * been a request-smuggling vector: it joins obs-folded lines, has no header-count limit and
 * accepts {@code +10} as a Content-Length. This scanner refuses all of those, forwards only
 * bytes it has validated, and on the first violation sends a {@link RejectedRequest} down the
 * pipeline in the request's place (after any earlier request it already validated), then
 * reads nothing more from the connection.
 *
 * <p>Limits, as documented: the request line counts its bytes without CRLF; the header block
 * counts its field lines with their CRLFs, not the request line nor the empty line ending it;
 * trailers are held to the same size and count limits as the header block.
 *
 * <p>The lines of a head or trailers are the {@link FieldSectionScanner}'s, a body's framing the
 * {@link BodyFramingScanner}'s, the bytes between them a {@link ScanBuffer}; this handler runs
 * them in turn, forwards what passed, and owns the timeouts and the refusal.
 */
final class StrictRequestScanner extends ChannelInboundHandlerAdapter {
    private enum State { HEAD, BODY, TRAILERS, REJECTED }

    private final ServerConfig config;
    private final ScanBuffer in = new ScanBuffer();
    private final FieldSectionScanner fields;
    private final BodyFramingScanner body = new BodyFramingScanner();
    private State state = State.HEAD;
    private HeadTimeout headTimeout;
    /** When bytes last arrived (System.nanoTime), for the idle timeout. */
    private long lastReadNanos = System.nanoTime();
    private final BodyRate bodyRate;

    StrictRequestScanner(ServerConfig config) {
        this(config, StreamedRoutes.NONE);
    }

    StrictRequestScanner(ServerConfig config, StreamedRoutes streamed) {
        this.config = config;
        this.fields = new FieldSectionScanner(config, streamed);
        this.bodyRate = new BodyRate(config.minRequestBodyRate(), config.bodyRateGrace().toNanos());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.REJECTED) {
            bytes.release();
            return;
        }
        lastReadNanos = System.nanoTime();
        boolean inBody = isMidBody();
        int arriving = bytes.readableBytes();
        in.append(bytes);
        RejectedRequest.Violation violation = null;
        try {
            scan(ctx);
        } catch (RejectedRequest.Violation v) {
            violation = v;
        } finally {
            in.endScan();
        }
        // what was validated before a violation is still a request of its own, answered first
        ByteBuf valid = in.takeValidated();
        if (valid != null) {
            ctx.fireChannelRead(valid);
        }
        // judged after the scan: the read that completes a body is never too slow
        if (violation == null && inBody && isMidBody() && bodyRate.tooSlow(arriving, lastReadNanos)) {
            violation = new RejectedRequest.Violation(408, "the request body arrived slower than "
                    + bodyRate.minBytesPerSecond() + " bytes per second");
        }
        if (violation != null) {
            reject(ctx, violation.toRequest());
        } else {
            in.releaseIfConsumed();
        }
    }

    /** Scans what has arrived, advancing the buffer's validated bytes over every byte that passed. */
    private void scan(ChannelHandlerContext ctx) {
        int readable = in.startScan();
        while (in.validated < readable) {
            switch (state) {
                case HEAD, TRAILERS -> {
                    if (state == State.HEAD && !headTimeout(ctx).running()) {
                        headTimeout.start();
                    }
                    FieldSectionScanner.Line line = fields.next(in, readable, state == State.TRAILERS);
                    if (line == FieldSectionScanner.Line.INCOMPLETE) {
                        return;
                    }
                    if (line == FieldSectionScanner.Line.END) {
                        if (state == State.HEAD) {
                            endOfHead();
                        } else {
                            state = State.HEAD;
                        }
                        in.validated = in.lineStart; // only now: a head that breaks a rule is never forwarded
                    }
                }
                case BODY -> {
                    switch (body.step(in, readable)) {
                        case NEED_INPUT -> {
                            return;
                        }
                        case ENDED -> state = State.HEAD;
                        case TRAILERS -> {
                            state = State.TRAILERS;
                            fields.startTrailers();
                        }
                        case MORE -> {
                        }
                    }
                }
                case REJECTED -> {
                    return;
                }
            }
        }
    }

    private void endOfHead() {
        headTimeout.stop();
        long length = fields.endOfHead();
        if (length == RequestFraming.CHUNKED) {
            state = State.BODY;
            body.chunked(fields.maxBodySize());
        } else if (length > 0) {
            state = State.BODY;
            body.fixed(length);
        }
        bodyRate.reset();
    }

    private void reject(ChannelHandlerContext ctx, RejectedRequest rejected) {
        state = State.REJECTED;
        releaseAll();
        ctx.channel().config().setAutoRead(false);
        ctx.fireChannelRead(fields.isHeadRequest() ? rejected.toHead() : rejected);
    }

    private HeadTimeout headTimeout(ChannelHandlerContext ctx) {
        if (headTimeout == null) {
            headTimeout = new HeadTimeout(ctx.executor(), config.requestHeadTimeout(), () -> {
                if (state != State.REJECTED) {
                    reject(ctx, new RejectedRequest(408, "the request head did not arrive within "
                            + config.requestHeadTimeout().toMillis() + " ms"));
                    // outside a read: close the read the handlers after us think they are in
                    ctx.fireChannelReadComplete();
                }
            });
        }
        return headTimeout;
    }

    private void releaseAll() {
        if (headTimeout != null) {
            headTimeout.close();
        }
        in.release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseAll();
        state = State.REJECTED;
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    long lastReadNanos() {
        return lastReadNanos;
    }

    /** The connection stopped reading for {@code nanos} (too many pipelined requests, a slow body reader): not the client's slowness. */
    void readingWasPaused(long nanos) {
        bodyRate.paused(nanos);
        // nor is the silence it caused: the idle clock starts again when reading does
        lastReadNanos = Math.max(lastReadNanos, System.nanoTime());
    }

    /** True while a request's body has started arriving but is not complete. */
    boolean isMidBody() {
        return state == State.BODY || state == State.TRAILERS;
    }

    /** The body stopped arriving for the idle timeout: 408 (RFC 9110 15.5.9), then close. */
    void rejectStalledBody(ChannelHandlerContext ctx, long idleMillis) {
        reject(ctx, new RejectedRequest(408, "the request body stopped arriving for " + idleMillis + " ms"));
    }

    /** True while a request head has started arriving but is not complete. */
    boolean isMidHead() {
        return state == State.HEAD && (fields.sawRequestLine() || in.isReadable());
    }
}
