package dev.baton.internal.netty;

import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * RFC 9112 3: the request line, validated byte by byte before Netty's decoder sees it, each fault
 * refused with its own status and reason. Works on the scanner's heap array.
 */
final class RequestLineSyntax {
    /**
     * Visible ASCII that RFC 3986 never allows unencoded. Clients commonly send '[', ']' and '|'
     * unencoded in query strings, so those are refused in the path only.
     */
    private static final boolean[] NOT_IN_URI = new boolean[128];

    static {
        for (char c : "\"<>\\^`{|}[]".toCharArray()) {
            NOT_IN_URI[c] = true;
        }
    }

    private RequestLineSyntax() {
    }

    /**
     * Checks the request line {@code buf[from, to)}, CRLF excluded: {@code method SP target SP
     * HTTP/1.x}, with an origin-form or absolute http(s) target, or {@code *} for OPTIONS.
     * Refuses anything else with the status it deserves; returns the version. A later 1.x is read
     * as 1.1 and rewritten to "HTTP/1.1" in {@code buf}, which the decoder reads next.
     */
    static HttpVersion check(byte[] buf, int from, int to) {
        // the bytes first, as the scanner checks a line still arriving: the same line refused the
        // same way however it was cut into reads (found by fuzzing: "CONNECT" + a non-ASCII byte)
        for (int b = from; b < to; b++) {
            if (!HttpSyntax.isRequestLineByte(buf[b])) {
                throw new RejectedRequest.Violation(400, "the request line holds a control or non-ASCII byte");
            }
        }
        int i = from;
        while (i < to && HttpSyntax.isTchar(buf[i])) {
            i++;
        }
        if (i == from || i >= to || buf[i] != ' ') {
            throw new RejectedRequest.Violation(400, "malformed request line: expected 'METHOD SP target SP HTTP/1.x'");
        }
        boolean options = i - from == 7 && new String(buf, from, 7, StandardCharsets.US_ASCII).equals("OPTIONS");
        if (i - from == 7 && new String(buf, from, 7, StandardCharsets.US_ASCII).equals("CONNECT")) {
            throw new RejectedRequest.Violation(501, "CONNECT is not implemented: this is an origin server, not a proxy");
        }
        int targetStart = ++i;
        // brackets are fine in a query, as clients send them, and in an absolute-form target,
        // whose IP literal is checked with its authority below
        boolean lenient = targetStart < to && buf[targetStart] != '/';
        while (i < to && buf[i] != ' ') {
            byte b = buf[i]; // visible ASCII already: the whole line's bytes were checked first
            if (b == '#') {
                throw new RejectedRequest.Violation(400, "the request target cannot hold a fragment ('#')");
            }
            if (b == '?') {
                lenient = true;
            } else if (NOT_IN_URI[b] && !(lenient && (b == '[' || b == ']' || b == '|'))) {
                throw new RejectedRequest.Violation(400, "the request target holds '" + (char) b
                        + "', which a URI cannot hold unencoded (RFC 3986)");
            }
            i++;
        }
        if (i == targetStart || i >= to) {
            throw new RejectedRequest.Violation(400, "malformed request line: expected 'METHOD SP target SP HTTP/1.x'");
        }
        if (buf[targetStart] != '/') { // the common origin form needs no more checks
            boolean asterisk = buf[targetStart] == '*' && i - targetStart == 1;
            String scheme = new String(buf, targetStart, Math.min(i - targetStart, 8), StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            boolean absolute = scheme.startsWith("http://") || scheme.startsWith("https://");
            if (!(asterisk && options) && !absolute) {
                throw new RejectedRequest.Violation(400, "the request target must be a path ('/...') or an absolute http(s) URI");
            }
            if (absolute) {
                checkAuthority(buf, targetStart + (scheme.startsWith("https") ? 8 : 7), i);
            }
        }
        if (to - i - 1 == 8 && buf[i + 1] == 'H' && buf[i + 2] == 'T' && buf[i + 3] == 'T'
                && buf[i + 4] == 'P' && buf[i + 5] == '/' && buf[i + 6] == '1'
                && buf[i + 7] == '.') {
            byte minor = buf[i + 8];
            if (minor >= '0' && minor <= '9') {
                // a later 1.x is read as 1.1, the highest minor version served (RFC 9110 2.5): and
                // written so in the bytes Netty's decoder reads next, so that it agrees (it refuses
                // Transfer-Encoding on an "HTTP/1.3"; found by fuzzing)
                if (minor > '1') {
                    buf[i + 8] = '1';
                }
                return minor == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
            }
        }
        String version = new String(buf, i + 1, to - i - 1, StandardCharsets.US_ASCII);
        return switch (version) {
            case "HTTP/1.1" -> HttpVersion.HTTP_1_1;
            case "HTTP/1.0" -> HttpVersion.HTTP_1_0;
            default -> throw version.matches("HTTP/[0-9]\\.[0-9]")
                    ? new RejectedRequest.Violation(505, "only HTTP/1.1 and HTTP/1.0 are served, not " + version)
                    : new RejectedRequest.Violation(400, "malformed HTTP version");
        };
    }

    /** The authority of an absolute-form target starts at {@code from}: a host is required, userinfo refused (RFC 9110 4.2). */
    private static void checkAuthority(byte[] buf, int from, int targetEnd) {
        int end = from;
        while (end < targetEnd && buf[end] != '/' && buf[end] != '?') {
            end++;
        }
        if (end == from || buf[from] == ':') {
            throw new RejectedRequest.Violation(400, "an http(s) URI needs a host");
        }
        for (int i = from; i < end; i++) {
            if (buf[i] == '@') {
                throw new RejectedRequest.Violation(400, "an http(s) URI cannot carry userinfo ('user@')");
            }
        }
        if (!HostSyntax.isHostAndPort(buf, from, end)) {
            throw new RejectedRequest.Violation(400, "the request target's authority is not a valid host[:port]");
        }
    }

}
