package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

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
 */
final class StrictRequestScanner extends ChannelInboundHandlerAdapter {
    private static final int MAX_CHUNK_LINE = 1024;

    /** Empty lines tolerated before a request line (RFC 9112 2.2 asks for at least one). */
    static final int MAX_EMPTY_LINES = 16;

    private enum State { HEAD, BODY_FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, REJECTED }

    private final ServerConfig config;
    private final StreamedRoutes streamed;
    /** The body limit of the request being scanned: the server's, or its streaming route's. */
    private long maxBodySize;
    private final RequestFraming framing = new RequestFraming();
    private ByteBuf cumulation;
    /** The cumulation's backing array, and the array index of its reader index, while scanning. */
    private byte[] bytes;
    private int base;
    private State state = State.HEAD;
    // offsets from the cumulation's reader index
    /** Bytes validated and not yet forwarded. */
    private int validated;
    /** Start of the line being scanned. */
    private int lineStart;
    /** End of the bytes known to hold no LF. */
    private int scanned;
    /** Bytes left in the fixed-length body or in the current chunk. */
    private long remaining;
    private long bodyBytes;
    private HeadTimeout headTimeout;
    /** When bytes last arrived (System.nanoTime), for the idle timeout. */
    private long lastReadNanos = System.nanoTime();
    private final BodyRate bodyRate;

    // the field section (head or trailers) being read
    private boolean sawRequestLine;
    /** The request being scanned is a HEAD: its refusal gets no body. */
    private boolean headRequest;
    /** Empty lines seen before the request line now expected. */
    private int emptyLines;
    private int sectionBytes;
    private int fieldCount;

    StrictRequestScanner(ServerConfig config) {
        this(config, StreamedRoutes.NONE);
    }

    StrictRequestScanner(ServerConfig config, StreamedRoutes streamed) {
        this.config = config;
        this.streamed = streamed;
        this.maxBodySize = config.maxBodySize();
        this.bodyRate = new BodyRate(config.minRequestBodyRate(), config.bodyRateGrace().toNanos());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.REJECTED) {
            in.release();
            return;
        }
        lastReadNanos = System.nanoTime();
        boolean inBody = isMidBody();
        int arriving = in.readableBytes();
        cumulation = cumulation == null ? HeapCumulation.toHeap(in) : HeapCumulation.append(cumulation, in);
        RejectedRequest.Violation violation = null;
        try {
            scan(ctx);
        } catch (RejectedRequest.Violation v) {
            violation = v;
        } finally {
            bytes = null; // the array belongs to the cumulation; do not pin it past the scan
        }
        // what was validated before a violation is still a request of its own, answered first
        if (validated > 0) {
            ByteBuf valid = cumulation.readRetainedSlice(validated);
            lineStart -= validated;
            scanned -= validated;
            validated = 0;
            ctx.fireChannelRead(valid);
        }
        // judged after the scan: the read that completes a body is never too slow
        if (violation == null && inBody && isMidBody() && bodyRate.tooSlow(arriving, lastReadNanos)) {
            violation = new RejectedRequest.Violation(408, "the request body arrived slower than "
                    + bodyRate.minBytesPerSecond() + " bytes per second");
        }
        if (violation != null) {
            reject(ctx, violation.toRequest());
        } else if (cumulation != null && !cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
            lineStart = 0;
            scanned = 0;
        }
    }

    /** Scans what has arrived, advancing {@link #validated} over every byte that passed. */
    private void scan(ChannelHandlerContext ctx) {
        int readable = cumulation.readableBytes();
        bytes = cumulation.array();
        base = cumulation.arrayOffset() + cumulation.readerIndex();
        while (validated < readable) {
            switch (state) {
                case HEAD, TRAILERS -> {
                    if (state == State.HEAD && !headTimeout(ctx).running()) {
                        headTimeout.start();
                    }
                    if (!fieldSectionLine(readable)) {
                        return;
                    }
                }
                case BODY_FIXED, CHUNK_DATA -> {
                    long take = Math.min(remaining, readable - validated);
                    validated += (int) take;
                    remaining -= take;
                    lineStart = scanned = validated;
                    if (remaining == 0) {
                        state = state == State.BODY_FIXED ? State.HEAD : State.CHUNK_CRLF;
                    }
                }
                case CHUNK_CRLF -> {
                    int available = Math.min(2, readable - validated);
                    for (int i = 0; i < available; i++) {
                        if (byteAt(validated + i) != "\r\n".charAt(i)) {
                            throw new RejectedRequest.Violation(400, "chunk data is not followed by CRLF");
                        }
                    }
                    if (available < 2) {
                        return;
                    }
                    validated += 2;
                    lineStart = scanned = validated;
                    state = State.CHUNK_SIZE;
                }
                case CHUNK_SIZE -> {
                    int lf = findLf(readable);
                    // + 1: the CR of a line of exactly the limit may have arrived without its LF
                    if (lf < 0 ? readable - lineStart > MAX_CHUNK_LINE + 1 : lf - 1 - lineStart > MAX_CHUNK_LINE) {
                        throw new RejectedRequest.Violation(400, "chunk size line is longer than " + MAX_CHUNK_LINE + " bytes");
                    }
                    if (lf < 0) {
                        return;
                    }
                    int end = crBefore(lf, "chunk size line");
                    long size = HttpSyntax.chunkSize(bytes, base + lineStart, base + end, maxBodySize);
                    bodyBytes += size;
                    if (bodyBytes > maxBodySize) {
                        throw new RejectedRequest.Violation(413, "the body is larger than " + maxBodySize + " bytes");
                    }
                    validated = lineStart = scanned = lf + 1;
                    if (size == 0) {
                        state = State.TRAILERS;
                        sectionBytes = 0;
                        fieldCount = 0;
                    } else {
                        remaining = size;
                        state = State.CHUNK_DATA;
                    }
                }
                case REJECTED -> {
                    return;
                }
            }
        }
    }

    /** Handles the next line of a head or of trailers; false when it has not fully arrived. */
    private boolean fieldSectionLine(int readable) {
        boolean requestLine = state == State.HEAD && !sawRequestLine;
        int from = Math.max(scanned, lineStart);
        if (requestLine) {
            // known as soon as its first bytes are: a refusal of a HEAD request carries no body
            headRequest = readable - lineStart >= 5 && byteAt(lineStart) == 'H' && byteAt(lineStart + 1) == 'E'
                    && byteAt(lineStart + 2) == 'A' && byteAt(lineStart + 3) == 'D' && byteAt(lineStart + 4) == ' ';
        }
        int lf = findLf(readable);
        if (lf < 0) {
            checkPartialLine(requestLine, from, readable);
            return false;
        }
        int start = lineStart;
        int end = crBefore(lf, "line");
        lineStart = scanned = lf + 1;
        if (end == start) {
            // RFC 9112 2.2: empty lines before the request line are ignored (Netty skips them too)
            if (!requestLine && state == State.HEAD) {
                endOfHead();
            } else if (!requestLine) {
                state = State.HEAD;
            } else if (++emptyLines > MAX_EMPTY_LINES) {
                throw new RejectedRequest.Violation(400, "more than " + MAX_EMPTY_LINES + " empty lines before the request line");
            }
            validated = lineStart; // only now: a head that breaks a rule is never forwarded
            return true;
        }
        if (requestLine) {
            requestLine(start, end);
            sawRequestLine = true;
            emptyLines = 0;
            return true;
        }
        sectionBytes += lf + 1 - start;
        if (sectionBytes > config.maxHeaderSize()) {
            throw new RejectedRequest.Violation(431, "the header block is larger than " + config.maxHeaderSize() + " bytes");
        }
        if (++fieldCount > config.maxHeaderCount()) {
            throw new RejectedRequest.Violation(431, "more than " + config.maxHeaderCount() + " header fields");
        }
        fieldLine(start, end, state == State.TRAILERS);
        return true;
    }

    private int findLf(int readable) {
        int from = Math.max(scanned, lineStart);
        int i = cumulation.indexOf(index(from), index(readable), (byte) '\n');
        if (i < 0) {
            scanned = readable;
            return -1;
        }
        return i - cumulation.readerIndex();
    }

    /** The end of the line's content: the CR before {@code lf}, which must be there. */
    private int crBefore(int lf, String what) {
        if (lf == lineStart || byteAt(lf - 1) != '\r') {
            throw new RejectedRequest.Violation(400, what + " ends in a bare LF; lines must end in CRLF");
        }
        return lf - 1;
    }

    /**
     * Refuses a line that has not ended yet but already cannot be valid: too long, or holding a
     * byte no such line may hold (binary garbage, a TLS handshake), rather than wait for an LF.
     */
    private void checkPartialLine(boolean requestLine, int from, int readable) {
        int partial = readable - lineStart;
        // + 1: the CR of a line of exactly the limit may have arrived without its LF
        if (requestLine && partial > config.maxRequestLineLength() + 1) {
            throw new RejectedRequest.Violation(414, "the request line is longer than " + config.maxRequestLineLength() + " bytes");
        }
        if (!requestLine && sectionBytes + partial > config.maxHeaderSize() + 1) {
            throw new RejectedRequest.Violation(431, "the header block is larger than " + config.maxHeaderSize() + " bytes");
        }
        // a CR that ended the last read was let through as the start of a CRLF split across reads:
        // look at it again now that it is not the last byte (found by fuzzing: "G H[/1 /o\r" + "(")
        int first = from > lineStart && byteAt(from - 1) == '\r' ? from - 1 : from;
        for (int i = first; i < readable; i++) {
            byte b = byteAt(i);
            boolean ok = requestLine ? HttpSyntax.isRequestLineByte(b) : HttpSyntax.isFieldValueByte(b);
            if (!ok && !(b == '\r' && i == readable - 1)) {
                throw new RejectedRequest.Violation(400, requestLine ? "the request line holds a control or non-ASCII byte"
                        : "a header line holds a control character");
            }
        }
        if (requestLine && from == lineStart && from < readable && !HttpSyntax.isTchar(byteAt(from)) && byteAt(from) != '\r') {
            throw new RejectedRequest.Violation(400, "malformed request line: expected 'METHOD SP target SP HTTP/1.x'");
        }
    }

    private void requestLine(int start, int end) {
        if (end - start > config.maxRequestLineLength()) {
            throw new RejectedRequest.Violation(414, "the request line is longer than " + config.maxRequestLineLength() + " bytes");
        }
        framing.reset(RequestLineSyntax.check(bytes, base + start, base + end) == HttpVersion.HTTP_1_0);
        maxBodySize = streamed.any() ? streamedLimit(start, end) : config.maxBodySize();
    }

    /** The body limit of a request line the syntax check has passed: METHOD SP target SP version. */
    private long streamedLimit(int start, int end) {
        String line = cumulation.toString(index(start), end - start, StandardCharsets.ISO_8859_1);
        int sp = line.indexOf(' ');
        int sp2 = line.lastIndexOf(' ');
        return sp > 0 && sp2 > sp ? streamed.maxBodySize(line.substring(0, sp), line.substring(sp + 1, sp2), config.maxBodySize())
                : config.maxBodySize();
    }

    private void fieldLine(int start, int end, boolean trailer) {
        int colon = HttpSyntax.checkFieldLine(bytes, base + start, base + end) - base;
        if (trailer) {
            return; // framing fields in trailers mean nothing; Netty keeps them apart as trailing headers
        }
        int from = base + start;
        int length = colon - start;
        if (HttpSyntax.nameIs(bytes, from, length, "host")) {
            framing.host(bytes, base + colon + 1, base + end);
        } else if (HttpSyntax.nameIs(bytes, from, length, "content-length")) {
            framing.contentLength(bytes, base + colon + 1, base + end);
        } else if (HttpSyntax.nameIs(bytes, from, length, "transfer-encoding")) {
            framing.transferEncoding(value(colon + 1, end));
        } else if (HttpSyntax.nameIs(bytes, from, length, "expect")) {
            framing.expect(value(colon + 1, end));
        }
    }

    private void endOfHead() {
        headTimeout.stop();
        long length = framing.bodyLength(maxBodySize);
        sawRequestLine = false;
        sectionBytes = 0;
        fieldCount = 0;
        if (length == RequestFraming.CHUNKED) {
            state = State.CHUNK_SIZE;
            bodyBytes = 0;
        } else if (length > 0) {
            state = State.BODY_FIXED;
            remaining = length;
        }
        bodyRate.reset();
    }

    private int index(int offset) {
        return cumulation.readerIndex() + offset;
    }

    private byte byteAt(int offset) {
        return bytes[base + offset];
    }

    private String value(int offset, int end) {
        return cumulation.toString(index(offset), end - offset, StandardCharsets.ISO_8859_1).strip();
    }

    private void reject(ChannelHandlerContext ctx, RejectedRequest rejected) {
        state = State.REJECTED;
        releaseAll();
        ctx.channel().config().setAutoRead(false);
        ctx.fireChannelRead(headRequest ? rejected.toHead() : rejected);
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
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
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
        return state == State.BODY_FIXED || state == State.CHUNK_SIZE || state == State.CHUNK_DATA
                || state == State.CHUNK_CRLF || state == State.TRAILERS;
    }

    /** The body stopped arriving for the idle timeout: 408 (RFC 9110 15.5.9), then close. */
    void rejectStalledBody(ChannelHandlerContext ctx, long idleMillis) {
        reject(ctx, new RejectedRequest(408, "the request body stopped arriving for " + idleMillis + " ms"));
    }

    /** True while a request head has started arriving but is not complete. */
    boolean isMidHead() {
        return state == State.HEAD && (sawRequestLine || cumulation != null && cumulation.isReadable());
    }
}
