package dev.baton.staticfiles.internal;

import dev.baton.internal.coding.ContentCodings;
import java.util.ArrayList;
import java.util.List;

/**
 * Entity tags as the conditional fields list them (RFC 9110 8.8.3): {@code *}, or tags each
 * optionally weak ({@code W/"..."}). A client's tag for the gzip form counts as the identity
 * form's (see {@link ContentCodings}); a malformed member matches nothing.
 */
final class EntityTags {
    private EntityTags() {
    }

    /** A tag as sent: its opaque part with quotes, and whether it was marked weak. */
    record Tag(String opaque, boolean weak) {
    }

    /** Whether any of the field lines {@code lines} lists {@code current} (a strong tag), strongly or weakly compared. */
    static boolean matches(List<String> lines, String current, boolean strong) {
        for (String line : lines) {
            if (line.strip().equals("*")) {
                return true;
            }
            for (Tag t : parse(line)) {
                if ((!strong || !t.weak()) && ContentCodings.identityTag(t.opaque()).equals(current)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The tags of one field line; parsing stops at the first malformed member. */
    static List<Tag> parse(String line) {
        List<Tag> tags = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            boolean weak = line.startsWith("W/", i);
            int open = weak ? i + 2 : i;
            if (open >= n || line.charAt(open) != '"') {
                break;
            }
            int close = line.indexOf('"', open + 1);
            if (close < 0) {
                break;
            }
            tags.add(new Tag(line.substring(open, close + 1), weak));
            i = close + 1;
        }
        return tags;
    }
}
