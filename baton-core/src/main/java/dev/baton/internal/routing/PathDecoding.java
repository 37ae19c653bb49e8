package dev.baton.internal.routing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Percent-decoding of one path segment (RFC 3986): strict, UTF-8, and '+' stays '+'. */
final class PathDecoding {
    private PathDecoding() {
    }

    static String decode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw new IllegalArgumentException("incomplete escape in path segment '" + segment + "'");
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape '%" + segment.charAt(i + 1) + segment.charAt(i + 2)
                            + "' in path segment");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c); // the scanner admits only visible ASCII in a request target
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("path segment '" + segment + "' is not UTF-8 once decoded");
        }
    }
}
