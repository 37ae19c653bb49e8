package dev.baton.internal.netty;

/** Byte classes of RFC 9110 / 9112 grammar, as lookup tables. */
final class HttpSyntax {
    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] HOST_CHAR = new boolean[256];

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
    }

    private HttpSyntax() {
    }

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xFF];
    }

    static boolean isHostChar(byte b) {
        return HOST_CHAR[b & 0xFF];
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
}
