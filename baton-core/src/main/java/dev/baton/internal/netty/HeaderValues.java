package dev.baton.internal.netty;

import io.netty.util.AsciiString;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Pre-encoded values of the headers every response carries: the encoder copies an
 * {@link AsciiString} in one go instead of encoding a String char by char.
 */
final class HeaderValues {
    private static final int MAX_TYPES = 64;
    private static final int MAX_LENGTH = 8192;
    private static final ConcurrentHashMap<String, AsciiString> TYPES = new ConcurrentHashMap<>();
    private static final AtomicReferenceArray<AsciiString> LENGTHS = new AtomicReferenceArray<>(MAX_LENGTH + 1);

    private HeaderValues() {
    }

    /** The content type as an AsciiString, cached for the few types an application uses. */
    static CharSequence contentType(String type) {
        AsciiString cached = TYPES.get(type);
        if (cached != null) {
            return cached;
        }
        if (TYPES.size() >= MAX_TYPES) {
            return type; // an application inventing types per request: do not grow without bound
        }
        return TYPES.computeIfAbsent(type, AsciiString::cached);
    }

    /** A Content-Length value, cached for small bodies. */
    static CharSequence length(int length) {
        if (length > MAX_LENGTH) {
            return Integer.toString(length);
        }
        AsciiString v = LENGTHS.get(length);
        if (v == null) {
            v = AsciiString.cached(Integer.toString(length));
            LENGTHS.set(length, v);
        }
        return v;
    }
}
