package dev.baton.http;

/**
 * The field grammar of RFC 9110 5.1, 5.5 and 5.6.2, in one place for the server's scanner, the
 * response headers a handler sets (so that a value taken from a request can never split the
 * response: the server writes headers as given) and anything else that reads tokens.
 *
 * <pre>{@code if (FieldSyntax.isToken(name)) { ... }}</pre>
 */
public final class FieldSyntax {
    private static final boolean[] TCHAR = new boolean[256];

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
    }

    private FieldSyntax() {
    }

    /** True if {@code c} is a tchar: a character a token (a method, a field name, a parameter name) may hold. */
    public static boolean isTchar(int c) {
        return c >= 0 && c < 256 && TCHAR[c];
    }

    /** True if {@code s} is a token: one or more tchars. */
    public static boolean isToken(CharSequence s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** True if {@code c} may appear in a field value: visible, SP, HTAB or obs-text, never CR, LF, NUL or DEL. */
    public static boolean isFieldValueChar(int c) {
        return c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff);
    }

    static String name(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a header name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isTchar(c)) {
                throw new IllegalArgumentException("header name '" + printable(name) + "' has a character a token may not have at " + i);
            }
        }
        return name;
    }

    static String value(String name, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isFieldValueChar(c)) {
                throw new IllegalArgumentException("the value of header " + name
                        + " has a control or non-Latin-1 character at " + i + " (CR, LF and NUL are never allowed)");
            }
        }
        return value;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
