package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Checks a request's head line by line as a {@link StrictRequestScanner} receives it: the
 * request line, each field line, the size and count limits, and the framing fields (Host,
 * Content-Length, Transfer-Encoding, Expect) into a {@link RequestFraming}. Trailers are read
 * the same way, held to the same limits. A line that already cannot be valid is refused before
 * its LF arrives. Event loop only.
 */
final class FieldSectionScanner {
    /** Empty lines tolerated before a request line (RFC 9112 2.2 asks for at least one). */
    static final int MAX_EMPTY_LINES = 16;

    /** What a line was. */
    enum Line {
        /** It has not fully arrived. */
        INCOMPLETE,
        /** A request line, a field line, or an empty line before the request line. */
        READ,
        /** The empty line that ends the section (not yet validated: the caller checks the head's framing first). */
        END
    }

    private final ServerConfig config;
    private final StreamedRoutes streamed;
    private final RequestFraming framing = new RequestFraming();
    /** The body limit of the request being scanned: the server's, or its streaming route's. */
    private long maxBodySize;
    private boolean sawRequestLine;
    /** The request being scanned is a HEAD: its refusal gets no body. */
    private boolean headRequest;
    /** Empty lines seen before the request line now expected. */
    private int emptyLines;
    private int sectionBytes;
    private int fieldCount;

    FieldSectionScanner(ServerConfig config, StreamedRoutes streamed) {
        this.config = config;
        this.streamed = streamed;
        this.maxBodySize = config.maxBodySize();
    }

    /** Handles the next line of a head ({@code trailers} false) or of trailers in {@code in}. */
    Line next(ScanBuffer in, int readable, boolean trailers) {
        boolean requestLine = !trailers && !sawRequestLine;
        int from = Math.max(in.scanned, in.lineStart);
        if (requestLine) {
            // known as soon as its first bytes are: a refusal of a HEAD request carries no body
            int s = in.lineStart;
            headRequest = readable - s >= 5 && in.byteAt(s) == 'H' && in.byteAt(s + 1) == 'E'
                    && in.byteAt(s + 2) == 'A' && in.byteAt(s + 3) == 'D' && in.byteAt(s + 4) == ' ';
        }
        int lf = in.findLf(readable);
        if (lf < 0) {
            checkPartialLine(in, requestLine, from, readable);
            return Line.INCOMPLETE;
        }
        int start = in.lineStart;
        int end = in.crBefore(lf, "line");
        in.nextLine(lf);
        if (end == start) {
            // RFC 9112 2.2: empty lines before the request line are ignored (Netty skips them too)
            if (!requestLine) {
                return Line.END; // the caller validates it once the head's framing has passed
            }
            if (++emptyLines > MAX_EMPTY_LINES) {
                throw new RejectedRequest.Violation(400, "more than " + MAX_EMPTY_LINES + " empty lines before the request line");
            }
            in.validated = in.lineStart;
            return Line.READ;
        }
        if (requestLine) {
            requestLine(in, start, end);
            sawRequestLine = true;
            emptyLines = 0;
            return Line.READ;
        }
        sectionBytes += lf + 1 - start;
        if (sectionBytes > config.maxHeaderSize()) {
            throw new RejectedRequest.Violation(431, "the header block is larger than " + config.maxHeaderSize() + " bytes");
        }
        if (++fieldCount > config.maxHeaderCount()) {
            throw new RejectedRequest.Violation(431, "more than " + config.maxHeaderCount() + " header fields");
        }
        fieldLine(in, start, end, trailers);
        return Line.READ;
    }

    /**
     * Refuses a line that has not ended yet but already cannot be valid: too long, or holding a
     * byte no such line may hold (binary garbage, a TLS handshake), rather than wait for an LF.
     */
    private void checkPartialLine(ScanBuffer in, boolean requestLine, int from, int readable) {
        int partial = readable - in.lineStart;
        // + 1: the CR of a line of exactly the limit may have arrived without its LF
        if (requestLine && partial > config.maxRequestLineLength() + 1) {
            throw new RejectedRequest.Violation(414, "the request line is longer than " + config.maxRequestLineLength() + " bytes");
        }
        if (!requestLine && sectionBytes + partial > config.maxHeaderSize() + 1) {
            throw new RejectedRequest.Violation(431, "the header block is larger than " + config.maxHeaderSize() + " bytes");
        }
        // a CR that ended the last read was let through as the start of a CRLF split across reads:
        // look at it again now that it is not the last byte (found by fuzzing: "G H[/1 /o\r" + "(")
        int first = from > in.lineStart && in.byteAt(from - 1) == '\r' ? from - 1 : from;
        for (int i = first; i < readable; i++) {
            byte b = in.byteAt(i);
            boolean ok = requestLine ? HttpSyntax.isRequestLineByte(b) : HttpSyntax.isFieldValueByte(b);
            if (!ok && !(b == '\r' && i == readable - 1)) {
                throw new RejectedRequest.Violation(400, requestLine ? "the request line holds a control or non-ASCII byte"
                        : "a header line holds a control character");
            }
        }
        if (requestLine && from == in.lineStart && from < readable && !HttpSyntax.isTchar(in.byteAt(from)) && in.byteAt(from) != '\r') {
            throw new RejectedRequest.Violation(400, "malformed request line: expected 'METHOD SP target SP HTTP/1.x'");
        }
    }

    private void requestLine(ScanBuffer in, int start, int end) {
        if (end - start > config.maxRequestLineLength()) {
            throw new RejectedRequest.Violation(414, "the request line is longer than " + config.maxRequestLineLength() + " bytes");
        }
        framing.reset(RequestLineSyntax.check(in.array(), in.base() + start, in.base() + end) == HttpVersion.HTTP_1_0);
        maxBodySize = streamed.any() ? streamedLimit(in.text(start, end)) : config.maxBodySize();
    }

    /** The body limit of a request line the syntax check has passed: METHOD SP target SP version. */
    private long streamedLimit(String line) {
        int sp = line.indexOf(' ');
        int sp2 = line.lastIndexOf(' ');
        return sp > 0 && sp2 > sp ? streamed.maxBodySize(line.substring(0, sp), line.substring(sp + 1, sp2), config.maxBodySize())
                : config.maxBodySize();
    }

    private void fieldLine(ScanBuffer in, int start, int end, boolean trailer) {
        byte[] bytes = in.array();
        int base = in.base();
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
            framing.transferEncoding(in.text(colon + 1, end).strip());
        } else if (HttpSyntax.nameIs(bytes, from, length, "expect")) {
            framing.expect(in.text(colon + 1, end).strip());
        }
    }

    /** The head has ended: the length of its body ({@link RequestFraming#CHUNKED} for chunked); the next head starts afresh. */
    long endOfHead() {
        long length = framing.bodyLength(maxBodySize);
        sawRequestLine = false;
        sectionBytes = 0;
        fieldCount = 0;
        return length;
    }

    /** The trailers after a chunked body start: a new section, held to the header limits. */
    void startTrailers() {
        sectionBytes = 0;
        fieldCount = 0;
    }

    /** The body limit of the request whose head was just read. */
    long maxBodySize() {
        return maxBodySize;
    }

    boolean sawRequestLine() {
        return sawRequestLine;
    }

    boolean isHeadRequest() {
        return headRequest;
    }
}
