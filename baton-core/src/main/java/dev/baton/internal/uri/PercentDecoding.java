package dev.baton.internal.uri;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding (RFC 3986 2.1) of parts of a request target, as UTF-8. A bad escape or
 * bytes that are not UTF-8 are refused rather than guessed at (no U+FFFD), so that the path a
 * route sees and the query a handler reads are what the client sent.
 */
public final class PercentDecoding {
    private PercentDecoding() {
    }

    /** A path segment: '+' stays '+'. */
    public static String pathSegment(String segment) {
        return decode(segment, false, null);
    }

    /** A whole path ({@code %2F} becomes '/'): '+' stays '+'. */
    public static String path(String path) {
        return decode(path, false, null);
    }

    /**
     * A name or value of a query string ({@code application/x-www-form-urlencoded}): '+' is a
     * space. {@code parameter} names the parameter a value belongs to, null for a name.
     */
    static String formComponent(String component, String parameter) {
        return decode(component, true, parameter);
    }

    /** {@code parameter}: see {@link #formComponent}; the message is built only on failure. */
    private static String decode(String s, boolean plusIsSpace, String parameter) {
        if (s.indexOf('%') < 0) {
            return plusIsSpace ? s.replace('+', ' ') : s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? hex(s.charAt(i + 1)) : -1;
                int lo = hi < 0 ? -1 : hex(s.charAt(i + 2));
                if (lo < 0) {
                    throw new IllegalArgumentException("bad escape '" + s.substring(i, Math.min(i + 3, s.length()))
                            + "' in " + what(s, plusIsSpace, parameter));
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(plusIsSpace && c == '+' ? ' ' : c); // the scanner admits only visible ASCII in a target
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what(s, plusIsSpace, parameter) + " is not UTF-8 once decoded");
        }
    }

    private static String what(String s, boolean form, String parameter) {
        return !form ? "path segment '" + s + "'"
                : parameter == null ? "query parameter name '" + s + "'" : "query parameter '" + parameter + "'";
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
