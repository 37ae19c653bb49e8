package dev.baton.internal.netty;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The fields of one request head that decide how its body is framed (RFC 9112 6.3), and the
 * rules the scanner holds them to once the head is complete. Ambiguous framing is what request
 * smuggling feeds on, so every doubt is a 400 rather than a guess.
 */
final class RequestFraming {
    /** {@link #bodyLength} of a chunked body. */
    static final long CHUNKED = -1;
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;

    private boolean http10;
    private long contentLength;
    /** The length of the first Content-Length value as written (leading zeros included). */
    private int contentLengthText;
    private int contentLengthFields;
    private boolean badContentLength;
    private boolean conflictingContentLength;
    private String transferEncoding;
    private int hostFields;
    private boolean unsupportedExpectation;

    RequestFraming() {
        reset(false);
    }

    /** Starts a new head of the given version. */
    void reset(boolean isHttp10) {
        http10 = isHttp10;
        contentLength = -1;
        contentLengthFields = 0;
        badContentLength = false;
        conflictingContentLength = false;
        transferEncoding = null;
        hostFields = 0;
        unsupportedExpectation = false;
    }

    /** A Content-Length field whose value is {@code a[from, to)}. */
    void contentLength(byte[] a, int from, int to) {
        contentLengthFields++;
        long v = parseContentLength(a, from, to);
        int start = HttpSyntax.skipWhitespace(a, from, to);
        int text = HttpSyntax.trimWhitespace(a, start, to) - start;
        if (v < 0) {
            badContentLength = true;
        } else if (contentLength >= 0 && (contentLength != v || contentLengthText != text)) {
            // 5 and 05 are one number, but not the same field value (Netty would refuse them unnamed)
            conflictingContentLength = true;
        } else {
            contentLength = v;
            contentLengthText = text;
        }
    }

    void transferEncoding(String value) {
        transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
    }

    /** A Host field whose value is {@code a[from, to)}, optional whitespace included. */
    void host(byte[] a, int from, int to) {
        hostFields++;
        from = HttpSyntax.skipWhitespace(a, from, to);
        to = HttpSyntax.trimWhitespace(a, from, to);
        if (!HostSyntax.isHostAndPort(a, from, to)) {
            throw new RejectedRequest.Violation(400, "the Host header is not a valid host[:port]");
        }
    }

    /** Netty's aggregator would answer anything but 100-continue itself, without problem details. */
    void expect(String value) {
        if (!isServed(value)) {
            unsupportedExpectation = true;
        }
    }

    /** True when an Expect field value asks nothing but 100-continue (HTTP/1.1's and HTTP/2's one expectation). */
    static boolean isServed(String value) {
        for (String element : value.split(",", -1)) {
            String e = element.strip();
            // RFC 9110 5.6.1: empty list elements do not count
            if (!e.isEmpty() && !e.equalsIgnoreCase("100-continue")) {
                return false;
            }
        }
        return true;
    }

    /** True when an Expect field value holds 100-continue (as an element of its list). */
    static boolean expectsContinue(String value) {
        for (String element : value.split(",", -1)) {
            if (element.strip().equalsIgnoreCase("100-continue")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The length of the body the complete head announces, 0 for none, or {@link #CHUNKED}.
     * Refuses a head whose framing is ambiguous, or whose body is known to be too large.
     */
    long bodyLength(long maxBodySize) {
        if (!http10 && hostFields != 1) {
            throw new RejectedRequest.Violation(400, hostFields == 0 ? "HTTP/1.1 requests must carry a Host header"
                    : "a request carries exactly one Host header");
        }
        if (http10 && hostFields > 1) {
            throw new RejectedRequest.Violation(400, "a request carries at most one Host header");
        }
        if (badContentLength) {
            throw new RejectedRequest.Violation(400, "Content-Length must be a non-negative decimal number");
        }
        if (conflictingContentLength) {
            throw new RejectedRequest.Violation(400, "differing Content-Length values");
        }
        if (transferEncoding != null) {
            checkTransferEncoding();
        }
        if (unsupportedExpectation && !http10) {
            throw new RejectedRequest.Violation(417, "the only expectation served is 100-continue");
        }
        if (transferEncoding != null) {
            return CHUNKED;
        }
        if (contentLength > maxBodySize) {
            throw new RejectedRequest.Violation(413, "the body is larger than " + maxBodySize + " bytes");
        }
        return Math.max(0, contentLength);
    }

    private void checkTransferEncoding() {
        if (http10) {
            throw new RejectedRequest.Violation(400, "Transfer-Encoding is not allowed in HTTP/1.0");
        }
        if (contentLengthFields > 0) {
            throw new RejectedRequest.Violation(400, "a request cannot carry both Content-Length and Transfer-Encoding");
        }
        // RFC 9110 5.6.1: empty list elements are ignored
        List<String> codings = Arrays.stream(transferEncoding.split(","))
                .map(c -> c.strip().toLowerCase(Locale.ROOT)).filter(c -> !c.isEmpty()).toList();
        // the framing comes first (RFC 9112 6.3: without chunked last, the length is unknowable: 400);
        // only a well-framed request with a coding we lack is 501
        if (codings.isEmpty() || !codings.getLast().equals("chunked") || codings.indexOf("chunked") != codings.size() - 1) {
            throw new RejectedRequest.Violation(400, "chunked must be the final transfer coding, and appear once");
        }
        if (codings.size() > 1) {
            throw new RejectedRequest.Violation(501, "transfer coding '" + codings.getFirst() + "' is not supported");
        }
    }

    /** 1*DIGIT, surrounded by optional whitespace; -1 when malformed ({@code +10}, {@code 1,0}, empty). */
    private static long parseContentLength(byte[] a, int from, int to) {
        from = HttpSyntax.skipWhitespace(a, from, to);
        to = HttpSyntax.trimWhitespace(a, from, to);
        if (from == to) {
            return -1;
        }
        for (int i = from; i < to; i++) {
            if (a[i] < '0' || a[i] > '9') {
                return -1;
            }
        }
        while (to - from > 1 && a[from] == '0') {
            from++; // 1*DIGIT: leading zeros are allowed and mean nothing
        }
        if (to - from > MAX_CONTENT_LENGTH_DIGITS) {
            return Long.MAX_VALUE; // a valid number no body can reach: past any limit, so 413
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (a[i] - '0');
        }
        return n;
    }
}
