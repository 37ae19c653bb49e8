package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Validates the raw bytes of every request before Netty's decoder sees them, and follows the
 * message framing (Content-Length, chunked) so that every pipelined head is checked.
 *
 * <p>Netty's decoder is lenient where RFC 9112 lets a server be strict and where leniency has
 * been a request-smuggling vector: it joins obs-folded lines, has no header-count limit and
 * accepts {@code +10} as a Content-Length. This scanner refuses all of those, forwards only
 * bytes it has validated, and on the first violation sends a {@link RejectedRequest} down the
 * pipeline in the request's place, then reads nothing more from the connection.
 */
final class StrictRequestScanner extends ChannelInboundHandlerAdapter {
    private static final int MAX_CHUNK_LINE = 1024;
    private static final long MAX_CONTENT_LENGTH_DIGITS = 18;

    private enum State { HEAD, BODY_FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, REJECTED }

    private final ServerConfig config;
    private ByteBuf cumulation;
    private State state = State.HEAD;
    /** Offset, from the reader index, of the line being scanned. */
    private int lineStart;
    /** Offset up to which bytes are known to hold no LF. */
    private int scanned;
    private long remaining;
    private long bodyBytes;
    private ScheduledFuture<?> headTimer;

    // the head being read
    private boolean sawRequestLine;
    private int headBytes;
    private int headerCount;
    private boolean http10;
    private boolean methodIsOptions;
    private long contentLength;
    private int contentLengthFields;
    private String transferEncoding;
    private int hostFields;
    private boolean badContentLength;
    private boolean conflictingContentLength;

    StrictRequestScanner(ServerConfig config) {
        this.config = config;
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
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        try {
            int forward = scan(ctx);
            if (forward > 0) {
                ctx.fireChannelRead(cumulation.readRetainedSlice(forward));
                lineStart -= forward;
                scanned -= forward;
            }
        } catch (Rejection r) {
            reject(ctx, r.status, r.getMessage());
        }
        if (cumulation != null && !cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
            lineStart = 0;
            scanned = 0;
        }
    }

    /** Scans what has arrived; returns how many leading bytes are validated and may go on. */
    private int scan(ChannelHandlerContext ctx) {
        int fwd = 0;
        int readable = cumulation.readableBytes();
        int base = cumulation.readerIndex();
        while (fwd < readable || state == State.HEAD && lineStart < readable) {
            switch (state) {
                case HEAD, TRAILERS -> {
                    if (state == State.HEAD && !sawRequestLine && headTimer == null) {
                        startHeadTimer(ctx);
                    }
                    int lf = findLf(base, readable);
                    if (lf < 0) {
                        checkPartialLine(readable);
                        return fwd;
                    }
                    int end = lf; // exclusive end of the line content, CR excluded below
                    if (end == lineStart || cumulation.getByte(base + end - 1) != '\r') {
                        throw new Rejection(400, "line ends in a bare LF; lines must end in CRLF");
                    }
                    end--;
                    int next = lf + 1;
                    if (state == State.HEAD && !sawRequestLine && end == lineStart) {
                        // RFC 9112 2.2: empty lines before the request line are ignored (Netty skips them too)
                        lineStart = scanned = next;
                        fwd = next;
                        continue;
                    }
                    headBytes += next - lineStart;
                    if (end == lineStart) {
                        lineStart = scanned = next;
                        if (state == State.HEAD) {
                            endOfHead(ctx);
                        } else {
                            state = State.HEAD;
                            resetHead();
                        }
                        fwd = next;
                        continue;
                    }
                    if (state == State.HEAD && !sawRequestLine) {
                        requestLine(base + lineStart, base + end);
                        sawRequestLine = true;
                        headBytes = 0;
                    } else {
                        if (headBytes > config.maxHeaderSize()) {
                            throw new Rejection(431, "the header block is larger than " + config.maxHeaderSize() + " bytes");
                        }
                        if (++headerCount > config.maxHeaderCount()) {
                            throw new Rejection(431, "more than " + config.maxHeaderCount() + " header fields");
                        }
                        headerLine(base + lineStart, base + end, state == State.TRAILERS);
                    }
                    lineStart = scanned = next;
                }
                case BODY_FIXED, CHUNK_DATA -> {
                    long take = Math.min(remaining, readable - fwd);
                    fwd += (int) take;
                    remaining -= take;
                    lineStart = scanned = fwd;
                    if (remaining == 0) {
                        if (state == State.BODY_FIXED) {
                            state = State.HEAD;
                            resetHead();
                        } else {
                            state = State.CHUNK_CRLF;
                        }
                    }
                }
                case CHUNK_CRLF -> {
                    if (readable - fwd < 2) {
                        if (readable - fwd == 1 && cumulation.getByte(base + fwd) != '\r') {
                            throw new Rejection(400, "chunk data is not followed by CRLF");
                        }
                        return fwd;
                    }
                    if (cumulation.getByte(base + fwd) != '\r' || cumulation.getByte(base + fwd + 1) != '\n') {
                        throw new Rejection(400, "chunk data is not followed by CRLF");
                    }
                    fwd += 2;
                    lineStart = scanned = fwd;
                    state = State.CHUNK_SIZE;
                }
                case CHUNK_SIZE -> {
                    int lf = findLf(base, readable);
                    if (lf < 0) {
                        if (readable - lineStart > MAX_CHUNK_LINE) {
                            throw new Rejection(400, "chunk size line is too long");
                        }
                        return fwd;
                    }
                    if (lf == lineStart || cumulation.getByte(base + lf - 1) != '\r') {
                        throw new Rejection(400, "chunk size line ends in a bare LF");
                    }
                    long size = chunkSize(base + lineStart, base + lf - 1);
                    bodyBytes += size;
                    if (bodyBytes > config.maxBodySize()) {
                        throw new Rejection(413, "the body is larger than " + config.maxBodySize() + " bytes");
                    }
                    fwd = lf + 1;
                    lineStart = scanned = fwd;
                    if (size == 0) {
                        state = State.TRAILERS;
                        headBytes = 0;
                    } else {
                        remaining = size;
                        state = State.CHUNK_DATA;
                    }
                }
                case REJECTED -> {
                    return fwd;
                }
            }
        }
        return fwd;
    }

    private int findLf(int base, int readable) {
        int from = Math.max(scanned, lineStart);
        int i = cumulation.indexOf(base + from, base + readable, (byte) '\n');
        if (i < 0) {
            scanned = readable;
            return -1;
        }
        return i - base;
    }

    private void checkPartialLine(int readable) {
        int partial = readable - lineStart;
        if (state == State.HEAD && !sawRequestLine) {
            if (partial > config.maxRequestLineLength()) {
                throw new Rejection(414, "the request line is longer than " + config.maxRequestLineLength() + " bytes");
            }
        } else if (headBytes + partial > config.maxHeaderSize()) {
            throw new Rejection(431, "the header block is larger than " + config.maxHeaderSize() + " bytes");
        }
    }

    private void requestLine(int from, int to) {
        if (to - from > config.maxRequestLineLength()) {
            throw new Rejection(414, "the request line is longer than " + config.maxRequestLineLength() + " bytes");
        }
        int i = from;
        while (i < to && HttpSyntax.isTchar(cumulation.getByte(i))) {
            i++;
        }
        if (i == from || i >= to || cumulation.getByte(i) != ' ') {
            throw new Rejection(400, "malformed request line: expected 'METHOD SP target SP HTTP/1.x'");
        }
        methodIsOptions = i - from == 7 && cumulation.toString(from, 7, java.nio.charset.StandardCharsets.US_ASCII).equals("OPTIONS");
        int targetStart = ++i;
        while (i < to && cumulation.getByte(i) != ' ') {
            byte b = cumulation.getByte(i);
            if (!HttpSyntax.isTargetByte(b)) {
                throw new Rejection(400, "the request target holds a control, space or non-ASCII byte");
            }
            if (b == '#') {
                throw new Rejection(400, "the request target cannot hold a fragment ('#')");
            }
            i++;
        }
        if (i == targetStart || i >= to) {
            throw new Rejection(400, "malformed request line: expected 'METHOD SP target SP HTTP/1.x'");
        }
        byte first = cumulation.getByte(targetStart);
        boolean asterisk = first == '*' && i - targetStart == 1;
        if (first != '/' && !(asterisk && methodIsOptions) && !isAbsoluteForm(targetStart, i)) {
            throw new Rejection(400, "the request target must be a path ('/...') or an absolute http(s) URI");
        }
        String version = cumulation.toString(i + 1, to - i - 1, java.nio.charset.StandardCharsets.US_ASCII);
        switch (version) {
            case "HTTP/1.1" -> http10 = false;
            case "HTTP/1.0" -> http10 = true;
            default -> {
                if (version.matches("HTTP/[0-9]\\.[0-9]")) {
                    throw new Rejection(505, "only HTTP/1.1 and HTTP/1.0 are served, not " + version);
                }
                throw new Rejection(400, "malformed HTTP version");
            }
        }
    }

    private boolean isAbsoluteForm(int from, int to) {
        String s = cumulation.toString(from, Math.min(to - from, 8), java.nio.charset.StandardCharsets.US_ASCII)
                .toLowerCase(java.util.Locale.ROOT);
        return s.startsWith("http://") || s.startsWith("https://");
    }

    private void headerLine(int from, int to, boolean trailer) {
        byte first = cumulation.getByte(from);
        if (first == ' ' || first == '\t') {
            throw new Rejection(400, "obsolete line folding (a header line starting with whitespace) is not accepted");
        }
        int colon = from;
        while (colon < to && HttpSyntax.isTchar(cumulation.getByte(colon))) {
            colon++;
        }
        if (colon == to || cumulation.getByte(colon) != ':') {
            throw new Rejection(400, colon == from || colon == to || cumulation.getByte(colon) != ' ' && cumulation.getByte(colon) != '\t'
                    ? "malformed header field name" : "whitespace between a header name and its colon");
        }
        if (colon == from) {
            throw new Rejection(400, "empty header field name");
        }
        for (int i = colon + 1; i < to; i++) {
            if (!HttpSyntax.isFieldValueByte(cumulation.getByte(i))) {
                throw new Rejection(400, "header field value holds a control character");
            }
        }
        if (trailer) {
            return;
        }
        int nameLength = colon - from;
        if (nameIs(from, nameLength, "content-length")) {
            contentLengthFields++;
            long v = parseContentLength(colon + 1, to);
            if (v < 0) {
                badContentLength = true;
            } else if (contentLength >= 0 && contentLength != v) {
                conflictingContentLength = true;
            } else {
                contentLength = v;
            }
        } else if (nameIs(from, nameLength, "transfer-encoding")) {
            String value = value(colon + 1, to);
            transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
        } else if (nameIs(from, nameLength, "host")) {
            hostFields++;
            String value = value(colon + 1, to);
            for (int i = 0; i < value.length(); i++) {
                if (!HttpSyntax.isHostChar((byte) value.charAt(i))) {
                    throw new Rejection(400, "the Host header is not a valid host[:port]");
                }
            }
        }
    }

    private boolean nameIs(int from, int length, String lowerName) {
        if (length != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int c = cumulation.getByte(from + i);
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String value(int from, int to) {
        return cumulation.toString(from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
    }

    /** 1*DIGIT, surrounded by optional whitespace; -1 when malformed ({@code +10}, {@code 1,0}, empty). */
    private long parseContentLength(int from, int to) {
        String v = value(from, to);
        if (v.isEmpty() || v.length() > MAX_CONTENT_LENGTH_DIGITS) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private long chunkSize(int from, int to) {
        int i = from;
        long size = 0;
        while (i < to && HttpSyntax.hexValue(cumulation.getByte(i)) >= 0) {
            if (i - from >= 16) {
                throw new Rejection(413, "chunk size is too large");
            }
            size = size * 16 + HttpSyntax.hexValue(cumulation.getByte(i));
            i++;
        }
        if (i == from) {
            throw new Rejection(400, "malformed chunk size");
        }
        if (size > config.maxBodySize()) {
            throw new Rejection(413, "the body is larger than " + config.maxBodySize() + " bytes");
        }
        // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
        while (i < to) {
            i = skipWhitespace(i, to);
            if (i >= to || cumulation.getByte(i) != ';') {
                throw new Rejection(400, "malformed chunk size or extension");
            }
            i = skipWhitespace(i + 1, to);
            int nameStart = i;
            while (i < to && HttpSyntax.isTchar(cumulation.getByte(i))) {
                i++;
            }
            if (i == nameStart) {
                throw new Rejection(400, "malformed chunk extension name");
            }
            int afterName = skipWhitespace(i, to);
            if (afterName < to && cumulation.getByte(afterName) == '=') {
                i = skipWhitespace(afterName + 1, to);
                i = extensionValue(i, to);
            }
        }
        return size;
    }

    private int extensionValue(int i, int to) {
        if (i < to && cumulation.getByte(i) == '"') {
            i++;
            while (i < to) {
                byte b = cumulation.getByte(i);
                if (b == '"') {
                    return i + 1;
                }
                if (b == '\\') {
                    i++;
                    if (i >= to || !HttpSyntax.isFieldValueByte(cumulation.getByte(i))) {
                        break;
                    }
                } else if (!HttpSyntax.isFieldValueByte(b)) {
                    break;
                }
                i++;
            }
            throw new Rejection(400, "malformed quoted chunk extension value");
        }
        int start = i;
        while (i < to && HttpSyntax.isTchar(cumulation.getByte(i))) {
            i++;
        }
        if (i == start) {
            throw new Rejection(400, "malformed chunk extension value");
        }
        return i;
    }

    private int skipWhitespace(int i, int to) {
        while (i < to && (cumulation.getByte(i) == ' ' || cumulation.getByte(i) == '\t')) {
            i++;
        }
        return i;
    }

    private void endOfHead(ChannelHandlerContext ctx) {
        cancelHeadTimer();
        if (!http10 && hostFields != 1) {
            throw new Rejection(400, hostFields == 0 ? "HTTP/1.1 requests must carry a Host header"
                    : "a request carries exactly one Host header");
        }
        if (http10 && hostFields > 1) {
            throw new Rejection(400, "a request carries at most one Host header");
        }
        if (badContentLength) {
            throw new Rejection(400, "Content-Length must be a non-negative decimal number");
        }
        if (conflictingContentLength) {
            throw new Rejection(400, "differing Content-Length values");
        }
        if (transferEncoding != null) {
            if (http10) {
                throw new Rejection(400, "Transfer-Encoding is not allowed in HTTP/1.0");
            }
            if (contentLengthFields > 0) {
                throw new Rejection(400, "a request cannot carry both Content-Length and Transfer-Encoding");
            }
            String[] codings = transferEncoding.split(",");
            for (int k = 0; k < codings.length; k++) {
                String coding = codings[k].strip().toLowerCase(java.util.Locale.ROOT);
                boolean last = k == codings.length - 1;
                if (coding.equals("chunked") != last) {
                    throw new Rejection(400, "chunked must be the final transfer coding, and appear once");
                }
                if (!last) {
                    throw new Rejection(501, "transfer coding '" + coding + "' is not supported");
                }
            }
            state = State.CHUNK_SIZE;
            bodyBytes = 0;
            return;
        }
        if (contentLength > config.maxBodySize()) {
            throw new Rejection(413, "the body is larger than " + config.maxBodySize() + " bytes");
        }
        if (contentLength > 0) {
            remaining = contentLength;
            state = State.BODY_FIXED;
        } else {
            resetHead();
        }
    }

    private void resetHead() {
        sawRequestLine = false;
        headBytes = 0;
        headerCount = 0;
        http10 = false;
        methodIsOptions = false;
        contentLength = -1;
        contentLengthFields = 0;
        transferEncoding = null;
        hostFields = 0;
        badContentLength = false;
        conflictingContentLength = false;
    }

    {
        contentLength = -1;
    }

    private void startHeadTimer(ChannelHandlerContext ctx) {
        long ms = config.requestHeadTimeout().toMillis();
        if (ms > 0) {
            headTimer = ctx.executor().schedule(() -> {
                headTimer = null;
                if (state == State.HEAD) {
                    reject(ctx, 408, "the request head did not arrive within " + ms + " ms");
                }
            }, ms, TimeUnit.MILLISECONDS);
        }
    }

    private void cancelHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    private void reject(ChannelHandlerContext ctx, int status, String detail) {
        state = State.REJECTED;
        cancelHeadTimer();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        ctx.channel().config().setAutoRead(false);
        ctx.fireChannelRead(new RejectedRequest(status, detail));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHeadTimer();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        state = State.REJECTED;
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelHeadTimer();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    /** True while a request head has started arriving but is not complete. */
    boolean isMidHead() {
        return state == State.HEAD && (sawRequestLine || cumulation != null && cumulation.isReadable());
    }

    private static final class Rejection extends RuntimeException {
        final int status;

        Rejection(int status, String detail) {
            super(detail, null, false, false);
            this.status = status;
        }
    }
}
