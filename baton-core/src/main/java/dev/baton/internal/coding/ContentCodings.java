package dev.baton.internal.coding;

import dev.baton.http.Response;

/**
 * The content codings the server applies, and how a coded representation's entity tag differs
 * from the identity one (RFC 9110 8.8.3.3: two representations, two tags): the coding's name is
 * added inside the quotes, {@code "abc"} becomes {@code "abc-gzip"}, and validators sent back
 * are compared with that suffix taken off, so a 304 or 412 works for either form.
 */
public final class ContentCodings {
    public static final String GZIP = "gzip";
    private static final String GZIP_SUFFIX = "-gzip\"";

    private ContentCodings() {
    }

    /** {@code r} with its ETag (if any) made the gzip representation's. */
    public static Response gzipTag(Response r) {
        String tag = r.header("ETag");
        if (tag == null || !tag.endsWith("\"") || tag.endsWith(GZIP_SUFFIX)) {
            return r;
        }
        return r.withoutHeader("ETag").withHeader("ETag", tag.substring(0, tag.length() - 1) + GZIP_SUFFIX);
    }

    /** An entity tag as a client sent it back, with a coding's suffix taken off: the tag of the identity form. */
    public static String identityTag(String tag) {
        return tag.endsWith(GZIP_SUFFIX) ? tag.substring(0, tag.length() - GZIP_SUFFIX.length()) + "\"" : tag;
    }
}
