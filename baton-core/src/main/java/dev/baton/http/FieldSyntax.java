package dev.baton.http;

/**
 * Checks response header fields as they are set (RFC 9110 5.1, 5.5), so that a value taken from
 * a request can never split the response: the server writes headers as given.
 */
final class FieldSyntax {
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private FieldSyntax() {
    }

    static String name(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a header name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TCHAR_SYMBOLS.indexOf(c) >= 0;
            if (!tchar) {
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
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
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
