package dev.baton.internal.netty;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The RFC 9110 / 9112 grammar the scanner needs: byte classes as lookup tables, the request line,
 * the chunk line. Works on the scanner's heap array with absolute indices: no ByteBuf index and
 * reference-count checks per byte.
 */
final class HttpSyntax {

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] HOST_CHAR = new boolean[256];
    /**
     * Visible ASCII that RFC 3986 never allows unencoded. Clients commonly send '[', ']' and '|'
     * unencoded in query strings, so those are refused in the path only.
     */
    private static final boolean[] NOT_IN_URI = new boolean[128];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (int c = 0; c < 256; c++) {
            HOST_CHAR[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
        for (char c : "-._~!$&'()*+,;=:%[]".toCharArray()) {
            HOST_CHAR[c] = true;
        }
        for (char c : "\"<>\\^`{|}[]".toCharArray()) {
            NOT_IN_URI[c] = true;
        }
    }

    private HttpSyntax() {
    }

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xFF];
    }

    /** RFC 3986 3.2.2: the inside of an IP-literal, an IPv6 address or an IPvFuture ({@code v1.x}). */
    static boolean isIpLiteral(String s) {
        if (!s.isEmpty() && (s.charAt(0) == 'v' || s.charAt(0) == 'V')) {
            int dot = s.indexOf('.');
            if (dot < 2 || dot == s.length() - 1) {
                return false;
            }
            for (int i = 1; i < dot; i++) {
                if (hexValue((byte) s.charAt(i)) < 0) {
                    return false;
                }
            }
            for (int i = dot + 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(Character.isLetterOrDigit(c) && c < 128) && "-._~!$&'()*+,;=:".indexOf(c) < 0) {
                    return false;
                }
            }
            return true;
        }
        return isIpv6(s);
    }

    private static boolean isIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return false; // at most one "::"
        }
        String[] head = gap < 0 ? s.split(":", -1) : s.substring(0, gap).split(":", -1);
        String[] tail = gap < 0 ? new String[0] : s.substring(gap + 2).split(":", -1);
        if (gap >= 0 && head.length == 1 && head[0].isEmpty()) {
            head = new String[0];
        }
        if (gap >= 0 && tail.length == 1 && tail[0].isEmpty()) {
            tail = new String[0];
        }
        // only the address's very last group may be an IPv4 address (::ffff:1.2.3.4)
        String[] finalPart = tail.length > 0 ? tail : gap < 0 ? head : new String[0];
        int groups = 0;
        for (String[] part : new String[][] {head, tail}) {
            for (int i = 0; i < part.length; i++) {
                String g = part[i];
                if (part == finalPart && i == part.length - 1 && g.indexOf('.') >= 0) {
                    if (!isIpv4(g)) {
                        return false;
                    }
                    groups += 2;
                } else if (g.isEmpty() || g.length() > 4 || !g.chars().allMatch(c -> hexValue((byte) c) >= 0)) {
                    return false;
                } else {
                    groups++;
                }
            }
        }
        return gap < 0 ? groups == 8 : groups <= 7;
    }

    private static boolean isIpv4(String s) {
        String[] octets = s.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || Integer.parseInt(o) > 255
                    || (o.length() > 1 && o.charAt(0) == '0')) {
                return false;
            }
        }
        return true;
    }

    /**
     * True if {@code buf[from, to)} is {@code uri-host [ ":" port ]} (RFC 9110 7.2, RFC 3986 3.2.2):
     * an IP literal in brackets, or a reg-name / IPv4 address of unreserved, sub-delims and
     * percent-encoded bytes, then optionally a colon and digits. Empty is valid (RFC 9110 7.2).
     */
    static boolean isHostAndPort(byte[] buf, int from, int to) {
        int i = from;
        if (i < to && buf[i] == '[') {
            i++;
            int literal = i;
            while (i < to && buf[i] != ']') {
                byte b = buf[i];
                if (!(HOST_CHAR[b & 0xFF] && b != '%' && b != '[')) {
                    return false;
                }
                i++;
            }
            if (i >= to || !isIpLiteral(new String(buf, literal, i - literal, java.nio.charset.StandardCharsets.ISO_8859_1))) {
                return false;
            }
            i++;
        } else {
            while (i < to && buf[i] != ':') {
                byte b = buf[i];
                if (b == '%') {
                    if (i + 2 >= to || hexValue(buf[i + 1]) < 0 || hexValue(buf[i + 2]) < 0) {
                        return false;
                    }
                    i += 2;
                } else if (!HOST_CHAR[b & 0xFF] || b == '[' || b == ']') {
                    return false;
                }
                i++;
            }
        }
        if (i == to) {
            return true;
        }
        if (buf[i] != ':') {
            return false;
        }
        for (i++; i < to; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** field-vchar / SP / HTAB / obs-text: anything but CTLs other than HTAB, and DEL. */
    static boolean isFieldValueByte(byte b) {
        int c = b & 0xFF;
        return c == '\t' || (c >= 0x20 && c != 0x7F);
    }

    /** Visible US-ASCII, as a request-target allows. */
    static boolean isTargetByte(byte b) {
        return b > 0x20 && b < 0x7F;
    }

    /** A byte that may appear somewhere in a request line: visible US-ASCII or SP. */
    static boolean isRequestLineByte(byte b) {
        return b >= 0x20 && b < 0x7F;
    }

    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** True if {@code buf[from, from + lowerName.length())} is {@code lowerName}, ignoring ASCII case. */
    static boolean nameIs(byte[] buf, int from, int length, String lowerName) {
        if (length != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int c = buf[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks the request line {@code buf[from, to)}, CRLF excluded: {@code method SP target SP
     * HTTP/1.x}, with an origin-form or absolute http(s) target, or {@code *} for OPTIONS.
     * Returns true for HTTP/1.0, false for HTTP/1.1 (and a later 1.x, read as 1.1).
     */
    static boolean isHttp10RequestLine(byte[] buf, int from, int to) {
        int i = from;
        while (i < to && isTchar(buf[i])) {
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
            byte b = buf[i];
            if (!isTargetByte(b)) {
                throw new RejectedRequest.Violation(400, "the request target holds a control, space or non-ASCII byte");
            }
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
                // a later 1.x is read as 1.1, the highest minor version served (RFC 9110 2.5)
                return minor == '0';
            }
        }
        String version = new String(buf, i + 1, to - i - 1, StandardCharsets.US_ASCII);
        return switch (version) {
            case "HTTP/1.1" -> false;
            case "HTTP/1.0" -> true;
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
        if (!isHostAndPort(buf, from, end)) {
            throw new RejectedRequest.Violation(400, "the request target's authority is not a valid host[:port]");
        }
    }

    /**
     * The size of the chunk line {@code buf[from, to)}, CRLF excluded, after checking its
     * extensions: {@code chunk-size *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )}.
     * A size above {@code limit} is refused as soon as its digits pass it, so no size overflows.
     */
    static long chunkSize(byte[] buf, int from, int to, long limit) {
        int i = from;
        long size = 0;
        int digit;
        while (i < to && (digit = hexValue(buf[i])) >= 0) {
            size = size * 16 + digit;
            if (size > limit) {
                throw new RejectedRequest.Violation(413, "the body is larger than " + limit + " bytes");
            }
            i++;
        }
        if (i == from) {
            throw new RejectedRequest.Violation(400, "malformed chunk size");
        }
        while (i < to) {
            i = skipWhitespace(buf, i, to);
            if (i >= to || buf[i] != ';') {
                throw new RejectedRequest.Violation(400, "malformed chunk size or extension");
            }
            i = skipWhitespace(buf, i + 1, to);
            int nameStart = i;
            while (i < to && isTchar(buf[i])) {
                i++;
            }
            if (i == nameStart) {
                throw new RejectedRequest.Violation(400, "malformed chunk extension name");
            }
            int afterName = skipWhitespace(buf, i, to);
            if (afterName < to && buf[afterName] == '=') {
                i = extensionValue(buf, skipWhitespace(buf, afterName + 1, to), to);
            }
        }
        return size;
    }

    /** token / quoted-string; returns the index after it. */
    private static int extensionValue(byte[] buf, int i, int to) {
        if (i < to && buf[i] == '"') {
            i++;
            while (i < to) {
                byte b = buf[i];
                if (b == '"') {
                    return i + 1;
                }
                if (b == '\\') {
                    i++;
                    if (i >= to || !isFieldValueByte(buf[i])) {
                        break;
                    }
                } else if (!isFieldValueByte(b)) {
                    break;
                }
                i++;
            }
            throw new RejectedRequest.Violation(400, "malformed quoted chunk extension value");
        }
        int start = i;
        while (i < to && isTchar(buf[i])) {
            i++;
        }
        if (i == start) {
            throw new RejectedRequest.Violation(400, "malformed chunk extension value");
        }
        return i;
    }

    /** The end of {@code buf[from, to)} without trailing SP / HTAB. */
    static int trimWhitespace(byte[] buf, int from, int to) {
        while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    /** The index of the first byte of {@code buf[i, to)} that is not SP / HTAB. */
    static int skipWhitespace(byte[] buf, int i, int to) {
        while (i < to && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        return i;
    }
}
