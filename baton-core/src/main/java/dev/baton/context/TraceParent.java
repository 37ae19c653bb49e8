package dev.baton.context;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context {@code traceparent} (https://www.w3.org/TR/trace-context/):
 * {@code 00-<trace-id>-<parent-id>-<flags>}, all lower-case hex. A request's own is
 * {@link RequestContext#traceParent()}: present only when the request carried exactly one valid
 * field; a malformed one is ignored (the request is served as if it had none, never refused).
 *
 * <pre>{@code String traceId = ctx.traceParent().map(TraceParent::traceId).orElse("-");}</pre>
 *
 * @param traceId  32 lower-case hex digits, not all zero: the whole trace's id
 * @param parentId 16 lower-case hex digits, not all zero: the caller's span
 * @param flags    2 lower-case hex digits; bit 0 is "sampled"
 */
public record TraceParent(String traceId, String parentId, String flags) {
    /** The header field's name. */
    public static final String HEADER = "traceparent";
    private static final HexFormat HEX = HexFormat.of();
    private static final int LENGTH = 55; // "00-" + 32 + "-" + 16 + "-" + 2

    public TraceParent {
        if (!isHex(traceId, 32) || isZero(traceId)) {
            throw new IllegalArgumentException("a trace id is 32 lower-case hex digits, not all zero: " + traceId);
        }
        if (!isHex(parentId, 16) || isZero(parentId)) {
            throw new IllegalArgumentException("a parent id is 16 lower-case hex digits, not all zero: " + parentId);
        }
        if (!isHex(flags, 2)) {
            throw new IllegalArgumentException("trace flags are 2 lower-case hex digits: " + flags);
        }
    }

    /**
     * Parses a {@code traceparent} value as the W3C recommendation says: version {@code 00} is
     * exactly 55 characters; a later version (not {@code ff}) may carry more after a {@code -},
     * and its first four fields are read as version 00's. Empty when malformed.
     */
    public static Optional<TraceParent> parse(String value) {
        if (value == null || value.length() < LENGTH) {
            return Optional.empty();
        }
        String version = value.substring(0, 2);
        if (!isHex(version, 2) || version.equals("ff")) {
            return Optional.empty();
        }
        if (version.equals("00") ? value.length() != LENGTH : value.length() > LENGTH && value.charAt(LENGTH) != '-') {
            return Optional.empty();
        }
        if (value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return Optional.empty();
        }
        String traceId = value.substring(3, 35);
        String parentId = value.substring(36, 52);
        String flags = value.substring(53, 55);
        if (!isHex(traceId, 32) || isZero(traceId) || !isHex(parentId, 16) || isZero(parentId) || !isHex(flags, 2)) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(traceId, parentId, flags));
    }

    /** A new trace, sampled, with random ids: what a call outside any traced request sends. */
    public static TraceParent newTrace() {
        return new TraceParent(randomHex(16), randomHex(8), "01");
    }

    /** The same trace and flags with a new random parent id: what a call made within this one sends downstream. */
    public TraceParent child() {
        return new TraceParent(traceId, randomHex(8), flags);
    }

    /** Whether the caller may have recorded the trace (flag bit 0). */
    public boolean sampled() {
        return (HEX.fromHexDigits(flags) & 1) != 0;
    }

    /** The header value, version 00: {@code 00-<trace-id>-<parent-id>-<flags>}. */
    @Override
    public String toString() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    private static boolean isHex(String s, int length) {
        if (s == null || s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(b);
        } while (isZero(HEX.formatHex(b)));
        return HEX.formatHex(b);
    }
}
