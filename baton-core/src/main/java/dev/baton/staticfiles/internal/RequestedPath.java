package dev.baton.staticfiles.internal;

import dev.baton.internal.uri.PercentDecoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The file a request names under its mount point, as a list of plain names, or a refusal. The
 * server has already removed dot segments and refused encoded dots and control characters
 * (see the core's request target); what is left to refuse here is anything that could name
 * another directory once decoded, whatever the platform: an encoded slash or backslash, a
 * backslash, a {@code %25} (a double encoding), an empty segment, a dot segment, a drive or
 * stream colon, and, unless allowed, hidden names.
 */
public final class RequestedPath {
    private RequestedPath() {
    }

    /** Thrown for a path no file may be served from: answered 404, as a missing file. */
    public static final class Refused extends Exception {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * The names after the first {@code skip} segments of {@code rawPath} (percent-encoded, no
     * query), decoded once; an empty list names the mount point itself.
     *
     * @throws Refused when a segment could escape or is hidden
     * @throws IllegalArgumentException when an escape is malformed or not UTF-8 (a 400)
     */
    public static List<String> names(String rawPath, int skip, boolean hidden) throws Refused {
        String[] raw = rawPath.split("/", -1);
        // raw[0] is the empty string before the leading slash
        List<String> names = new ArrayList<>(Math.max(0, raw.length - 1 - skip));
        for (int i = 1 + skip; i < raw.length; i++) {
            String segment = raw[i];
            if (segment.isEmpty() && i == raw.length - 1) {
                break; // a trailing slash: a directory's
            }
            names.add(name(segment, hidden));
        }
        return names;
    }

    private static String name(String segment, boolean hidden) throws Refused {
        String lower = segment.toLowerCase(Locale.ROOT);
        if (segment.isEmpty() || segment.indexOf('\\') >= 0 || lower.contains("%2f") || lower.contains("%5c")
                || lower.contains("%25") || lower.contains("%00")) {
            throw new Refused("segment '" + segment + "' may not name a file");
        }
        String name = PercentDecoding.pathSegment(segment);
        if (name.equals(".") || name.equals("..") || name.indexOf(':') >= 0 || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            throw new Refused("segment '" + segment + "' may not name a file");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new Refused("segment '" + segment + "' holds a control character");
            }
        }
        if (!hidden && name.startsWith(".")) {
            throw new Refused("hidden file '" + name + "'");
        }
        return name;
    }
}
