package dev.baton.staticfiles.internal;

import java.util.Locale;

/**
 * One byte range of a representation (RFC 9110 14.1.2), resolved against its length: what a
 * {@code Range} field asks for, whether that can be served, or that the field is to be ignored.
 * Several ranges are not served as {@code multipart/byteranges}: the field is ignored and the
 * whole representation sent, which RFC 9110 14.2 allows.
 *
 * @param first the first byte
 * @param length how many bytes
 */
public record ByteRange(long first, long length) {
    /** The field asks for nothing this representation has: 416. */
    public static final ByteRange UNSATISFIABLE = new ByteRange(-1, 0);

    /** The last byte's position. */
    public long last() {
        return first + length - 1;
    }

    /**
     * The range {@code field} asks for in a representation of {@code size} bytes; null when the
     * field is to be ignored (another unit, a malformed field, several ranges); {@link #UNSATISFIABLE}.
     */
    public static ByteRange parse(String field, long size) {
        String f = field.strip();
        int eq = f.indexOf('=');
        if (eq < 0 || !f.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            return null;
        }
        String spec = f.substring(eq + 1).strip();
        if (spec.indexOf(',') >= 0) {
            return null; // several ranges: the whole representation (see above)
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        if (a.isEmpty()) { // suffix-range: the last N bytes
            long n = number(b);
            if (n < 0) {
                return null;
            }
            return n == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(size - Math.min(n, size), Math.min(n, size));
        }
        long first = number(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : number(b);
        if (first < 0 || last < 0 || last < first) {
            return null; // invalid: the field is ignored (RFC 9110 14.1.1)
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        return new ByteRange(first, Math.min(last, size - 1) - first + 1);
    }

    /** A run of digits as a number; -1 when it is not one, or too long to be one. */
    private static long number(String digits) {
        if (digits.isEmpty() || digits.length() > 18) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(digits);
    }
}
