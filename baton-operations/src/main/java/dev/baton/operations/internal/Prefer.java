package dev.baton.operations.internal;

import dev.baton.http.HttpException;
import dev.baton.http.Request;
import java.util.Locale;

/**
 * The preferences of RFC 7240 this module acts on: {@code respond-async} and {@code wait=N}.
 * Others are ignored, as the RFC asks; a {@code wait} that is not whole seconds is a 400.
 *
 * @param respondAsync the client prefers a 202 to waiting
 * @param waitSeconds  how long it is willing to wait, or -1 when it did not say
 */
record Prefer(boolean respondAsync, long waitSeconds) {
    static final Prefer NONE = new Prefer(false, -1);

    static Prefer of(Request request) {
        boolean async = false;
        long wait = -1;
        for (String field : request.headers().all("Prefer")) {
            for (String pref : field.split(",")) {
                String first = pref.split(";", 2)[0].strip();
                if (first.isEmpty()) {
                    continue;
                }
                int eq = first.indexOf('=');
                String name = (eq < 0 ? first : first.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? null : unquote(first.substring(eq + 1).strip());
                if (name.equals("respond-async")) {
                    async = true;
                } else if (name.equals("wait")) {
                    if (value == null || value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
                        throw new HttpException(400, "Prefer: wait takes whole seconds (wait=10), got '" + first + "'");
                    }
                    wait = Long.parseLong(value);
                }
            }
        }
        return async || wait >= 0 ? new Prefer(async, wait) : NONE;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
