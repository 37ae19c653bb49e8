package dev.baton.internal.netty;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * RFC 3986 5.2.4 for a request path, before routing: {@code /files/../admin} is {@code /admin},
 * as every other server sees it, so that a route matches what the client means. A segment that
 * only decodes to a dot ({@code %2e%2e}) is ambiguous (a server and a proxy may read it two ways)
 * and refused, as Jetty does.
 */
final class DotSegments {
    private DotSegments() {
    }

    /** {@code rawPath} (still percent-encoded, no query) without its dot segments. */
    static String remove(String rawPath) {
        if (!rawPath.contains("/.") && !hasEncodedDot(rawPath)) {
            return rawPath; // the common case costs two scans and no allocation
        }
        String[] segments = rawPath.split("/", -1);
        Deque<String> out = new ArrayDeque<>();
        boolean trailingSlash = false;
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            String decoded = s.indexOf('%') < 0 ? s : s.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if ((decoded.equals(".") || decoded.equals("..")) && !decoded.equals(s)) {
                throw new IllegalArgumentException("a path segment that encodes a dot segment is ambiguous");
            }
            if (s.equals(".")) {
                trailingSlash = last;
            } else if (s.equals("..")) {
                out.pollLast();
                trailingSlash = last;
            } else {
                out.addLast(s);
                trailingSlash = false;
            }
        }
        StringBuilder sb = new StringBuilder(rawPath.length());
        for (String s : out) {
            sb.append('/').append(s);
        }
        if (trailingSlash || sb.isEmpty()) {
            sb.append('/');
        }
        return sb.toString();
    }

    private static boolean hasEncodedDot(String rawPath) {
        int i = rawPath.indexOf('%');
        while (i >= 0 && i + 2 < rawPath.length()) {
            if (rawPath.charAt(i + 1) == '2' && (rawPath.charAt(i + 2) == 'e' || rawPath.charAt(i + 2) == 'E')) {
                return true;
            }
            i = rawPath.indexOf('%', i + 1);
        }
        return false;
    }
}
