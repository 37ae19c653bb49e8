package dev.baton.internal.netty;

import dev.baton.internal.uri.PercentDecoding;

/**
 * A request target parsed once (RFC 9112 3.2): the form it came in, the authority an
 * absolute-form target names, the path as routed (dot segments removed, still percent-encoded),
 * the path as the handler reads it (decoded) and the target the handler sees.
 *
 * @param uri       what {@code Request.uri()} gives: the target as sent, or origin-form once dot segments were removed
 * @param rawPath   the routed path, percent-encoded
 * @param path      the decoded path
 * @param authority the authority of an absolute-form target (it replaces Host), else null
 * @param asterisk  true for {@code OPTIONS *}, or an absolute-form OPTIONS with no path
 */
record RequestTarget(String uri, String rawPath, String path, String authority, boolean asterisk) {

    /** Parses {@code target} of a request with {@code method}; throws IllegalArgumentException when malformed. */
    static RequestTarget parse(String method, String target) {
        if (target.equals("*")) {
            return new RequestTarget(target, target, target, null, true);
        }
        String origin = originForm(target);
        String authority = null;
        boolean asterisk = false;
        if (origin != target) {
            authority = authority(target);
            // RFC 9112 3.2.4: OPTIONS with an empty path means the server as a whole, as "*"
            asterisk = method.equals("OPTIONS") && target.indexOf('/', target.indexOf("://") + 3) < 0 && target.indexOf('?') < 0;
        }
        String asSent = pathOf(origin);
        String rawPath = DotSegments.remove(asSent);
        // what the handler and middleware see is what was routed: /public/../admin is /admin (an
        // absolute-form target is seen as sent, unless its path had dot segments)
        String uri = rawPath == asSent ? target : rawPath + origin.substring(asSent.length());
        String path = rawPath.indexOf('%') < 0 ? rawPath : decodedPath(rawPath);
        return new RequestTarget(uri, rawPath, path, authority, asterisk);
    }

    /** The percent-decoded path; one that encodes a control character (%00, %0A...) is refused. */
    private static String decodedPath(String rawPath) {
        String path = PercentDecoding.path(rawPath);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new IllegalArgumentException("the path encodes a control character");
            }
        }
        return path;
    }

    /** The path of an origin-form target, still percent-encoded. */
    private static String pathOf(String origin) {
        int query = origin.indexOf('?');
        return query < 0 ? origin : origin.substring(0, query);
    }

    /** The authority of an absolute-form target: {@code http://a:8080/x?q} gives {@code a:8080}. */
    private static String authority(String uri) {
        int start = uri.indexOf("://") + 3;
        int end = start;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        return uri.substring(start, end);
    }

    /** Strips scheme and authority from an absolute-form target; the same string if it has none. */
    private static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return uri;
        }
        int slash = uri.indexOf('/', scheme + 3);
        int query = uri.indexOf('?', scheme + 3);
        if (slash < 0 || query >= 0 && query < slash) {
            return "/" + (query >= 0 ? uri.substring(query) : "");
        }
        return uri.substring(slash);
    }
}
