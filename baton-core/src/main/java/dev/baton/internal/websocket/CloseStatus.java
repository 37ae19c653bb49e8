package dev.baton.internal.websocket;

import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/** The rules of a close frame's body (RFC 6455 5.5.1, 7.4): which codes may be sent, and how long a reason may be. */
final class CloseStatus {
    /** A close frame is a control frame: 125 bytes, 2 of them the code. */
    static final int MAX_REASON_BYTES = 123;

    private CloseStatus() {
    }

    /** True for a code an endpoint may put in a close frame (1005, 1006 and 1015 only ever describe one). */
    static boolean maySend(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    /** What is wrong with a close frame received: the code to close with (1002, 1007) and why. */
    record Violation(int code, String reason) {
    }

    /** The fault of a received close frame's body, or null when it has none (an empty body is fine). */
    static Violation check(ByteBuf body) {
        int n = body.readableBytes();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return new Violation(1002, "a close frame's body has a 2-byte code");
        }
        int code = body.getUnsignedShort(body.readerIndex());
        if (!maySend(code)) {
            return new Violation(1002, "close code " + code + " may not be sent");
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(body.nioBuffer(body.readerIndex() + 2, n - 2));
            return null;
        } catch (CharacterCodingException e) {
            return new Violation(1007, "a close reason must be UTF-8");
        }
    }

    /** {@code reason} cut to {@value #MAX_REASON_BYTES} bytes of UTF-8, on a character boundary. */
    static String fit(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return reason;
        }
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > MAX_REASON_BYTES) {
                break;
            }
            b.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return b.toString();
    }
}
