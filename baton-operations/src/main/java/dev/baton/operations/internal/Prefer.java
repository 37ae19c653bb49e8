package dev.baton.operations.internal;

import dev.baton.http.HttpException;
import dev.baton.http.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The preferences of RFC 7240 this module acts on: {@code respond-async} and {@code wait=N}.
 * Others are ignored, as the RFC asks; so is a preference repeated after its first instance
 * (section 2). A first {@code wait} that is not whole seconds is a 400; a huge one saturates.
 *
 * @param respondAsync the client prefers a 202 to waiting
 * @param waitSeconds  how long it is willing to wait, or -1 when it did not say
 */
record Prefer(boolean respondAsync, long waitSeconds) {
    static final Prefer NONE = new Prefer(false, -1);

    static Prefer of(Request request) {
        boolean async = false;
        boolean waitSeen = false;
        long wait = -1;
        for (String field : request.headers().all("Prefer")) {
            for (String pref : elements(field)) {
                String first = pref.split(";", 2)[0].strip();
                int eq = first.indexOf('=');
                String name = (eq < 0 ? first : first.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                if (name.equals("respond-async")) {
                    async = true;
                } else if (name.equals("wait") && !waitSeen) {
                    waitSeen = true;
                    wait = seconds(eq < 0 ? null : unquote(first.substring(eq + 1).strip()), first);
                }
            }
        }
        return async || wait >= 0 ? new Prefer(async, wait) : NONE;
    }

    /** delta-seconds: ASCII digits; a value too large for a long is the largest (RFC 9111 1.2.2). */
    private static long seconds(String value, String pref) {
        if (value == null || value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpException(400, "Prefer: wait takes whole seconds (wait=10), got '" + abbreviate(pref) + "'");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The comma-separated elements of a field, commas inside quoted strings kept (RFC 9110 5.6.1, 5.6.4). */
    private static List<String> elements(String field) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (quoted && c == '\\' && i + 1 < field.length()) {
                cur.append(c).append(field.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                add(out, cur);
                continue;
            }
            cur.append(c);
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
