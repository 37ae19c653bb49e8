package dev.baton.internal.netty;

import dev.baton.http.FieldSyntax;

/**
 * The RFC 9110 / 9112 byte grammar the scanner needs: byte classes, field names, the chunk line
 * (the request line is {@link RequestLineSyntax}, a host {@link HostSyntax}). Works on the scanner's heap array with absolute indices: no ByteBuf index and
 * reference-count checks per byte.
 */
final class HttpSyntax {


    private HttpSyntax() {
    }

    static boolean isTchar(byte b) {
        return FieldSyntax.isTchar(b & 0xFF);
    }

    /** field-vchar / SP / HTAB / obs-text: anything but CTLs other than HTAB, and DEL. */
    static boolean isFieldValueByte(byte b) {
        return FieldSyntax.isFieldValueChar(b & 0xFF);
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

    /**
     * Checks the field line {@code buf[from, to)}, CRLF excluded: {@code field-name ":" OWS
     * field-value OWS}, no obsolete folding, no whitespace before the colon (RFC 9112 5.1), no
     * control in the value. Returns the colon's index.
     */
    static int checkFieldLine(byte[] buf, int from, int to) {
        if (buf[from] == ' ' || buf[from] == '\t') {
            throw new RejectedRequest.Violation(400, "obsolete line folding (a header line starting with whitespace) is not accepted");
        }
        int colon = from;
        while (colon < to && isTchar(buf[colon])) {
            colon++;
        }
        if (colon == to || buf[colon] != ':') {
            int after = colon;
            while (after < to && (buf[after] == ' ' || buf[after] == '\t')) {
                after++;
            }
            boolean spaceBeforeColon = colon > from && after > colon && after < to && buf[after] == ':';
            boolean noColon = colon > from && !spaceBeforeColon && indexOf(buf, colon, to, (byte) ':') < 0;
            throw new RejectedRequest.Violation(400, spaceBeforeColon ? "whitespace between a header name and its colon"
                    : noColon ? "a header line without a colon" : "malformed header field name");
        }
        if (colon == from) {
            throw new RejectedRequest.Violation(400, "empty header field name");
        }
        for (int i = colon + 1; i < to; i++) {
            if (!isFieldValueByte(buf[i])) {
                throw new RejectedRequest.Violation(400, "header field value holds a control character");
            }
        }
        return colon;
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
