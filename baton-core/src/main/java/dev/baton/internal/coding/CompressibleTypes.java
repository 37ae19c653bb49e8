package dev.baton.internal.coding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which media types are worth compressing: a list of patterns ({@code text/*} a whole top-level
 * type, {@code +json} a structured-syntax suffix, else an exact type), minus the types that are
 * compressed already, which no pattern can bring back (images but SVG, audio, video, woff/woff2,
 * zip, gzip...).
 */
public final class CompressibleTypes {
    /** The default patterns, as the setting writes them. */
    public static final String DEFAULTS = "text/*,application/json,+json,+xml,application/xml,application/javascript,"
            + "application/x-javascript,application/ecmascript,image/svg+xml,application/wasm,application/x-ndjson";

    private final List<String> exact = new ArrayList<>();
    private final List<String> topLevel = new ArrayList<>();
    private final List<String> suffixes = new ArrayList<>();

    private CompressibleTypes(String patterns) {
        for (String p : patterns.split(",")) {
            String t = p.strip().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            if (t.startsWith("+")) {
                suffixes.add(t);
            } else if (t.endsWith("/*")) {
                topLevel.add(t.substring(0, t.length() - 1));
            } else if (t.indexOf('/') > 0 && t.indexOf('*') < 0) {
                exact.add(t);
            } else {
                throw new IllegalArgumentException("not a media type pattern (type/subtype, type/* or +suffix): " + p.strip());
            }
        }
    }

    /**
     * Parses a comma-separated list of patterns.
     *
     * @throws IllegalArgumentException on a pattern that is none of the three forms
     */
    public static CompressibleTypes parse(String patterns) {
        return new CompressibleTypes(patterns);
    }

    /** Whether a body of {@code contentType} (parameters allowed) is compressed. */
    public boolean matches(String contentType) {
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        if (alreadyCompressed(type)) {
            return false;
        }
        if (exact.contains(type)) {
            return true;
        }
        for (String t : topLevel) {
            if (type.startsWith(t)) {
                return true;
            }
        }
        for (String s : suffixes) {
            if (type.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean alreadyCompressed(String type) {
        if (type.startsWith("image/")) {
            return !type.equals("image/svg+xml") && !type.equals("image/bmp") && !type.equals("image/x-icon");
        }
        return type.startsWith("video/") || type.startsWith("audio/") || type.startsWith("font/woff")
                || type.equals("text/event-stream") // flushed per event; a gzip stream would hold events back
                || switch (type) {
                    case "application/zip", "application/gzip", "application/x-gzip", "application/zstd", "application/x-bzip2",
                         "application/x-7z-compressed", "application/x-rar-compressed", "application/x-xz", "application/pdf",
                         "application/octet-stream" -> true;
                    default -> false;
                };
    }
}
