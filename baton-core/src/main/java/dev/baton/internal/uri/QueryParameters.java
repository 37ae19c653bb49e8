package dev.baton.internal.uri;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query of a request target, parsed as the WHATWG URL standard's
 * {@code application/x-www-form-urlencoded} parser does: split on {@code '&'} only (a ';' is data, so a
 * cache and this server never read one URL two ways), the first '=' splits name from value
 * ({@code =y} is the name "" with the value "y"), '+' is a space, escapes are UTF-8.
 * Unlike a browser, a bad escape or non-UTF-8 bytes are refused (IllegalArgumentException).
 */
public final class QueryParameters {
    private QueryParameters() {
    }

    /** The parameters of {@code target}'s query ({@code /p?a=1&a=2&b} gives a=[1, 2], b=[""]), in order. */
    public static Map<String, List<String>> parse(String target) {
        int q = target.indexOf('?');
        if (q < 0 || q == target.length() - 1) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        int start = q + 1;
        while (start <= target.length()) {
            int end = target.indexOf('&', start);
            if (end < 0) {
                end = target.length();
            }
            if (end > start) {
                int eq = target.indexOf('=', start, end);
                String rawName = eq < 0 ? target.substring(start, end) : target.substring(start, eq);
                String rawValue = eq < 0 ? "" : target.substring(eq + 1, end);
                String name = PercentDecoding.formComponent(rawName, null);
                String value = PercentDecoding.formComponent(rawValue, name);
                params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        params.replaceAll((k, v) -> List.copyOf(v));
        return java.util.Collections.unmodifiableMap(params);
    }
}
