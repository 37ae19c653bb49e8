package dev.baton.staticfiles.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A file's media type by its extension: a built-in table of the types the web serves, text types
 * declared UTF-8, {@code application/octet-stream} for anything else (with {@code nosniff}, a
 * browser then downloads it rather than guessing).
 */
public final class MediaTypes {
    public static final String FALLBACK = "application/octet-stream";
    private static final String UTF8 = "; charset=utf-8";
    private static final Map<String, String> BUILT_IN = new HashMap<>();

    static {
        text("html", "text/html");
        text("htm", "text/html");
        text("css", "text/css");
        text("js", "text/javascript");
        text("mjs", "text/javascript");
        text("json", "application/json");
        text("map", "application/json");
        text("webmanifest", "application/manifest+json");
        text("xml", "application/xml");
        text("txt", "text/plain");
        text("md", "text/markdown");
        text("csv", "text/csv");
        text("svg", "image/svg+xml");
        text("ics", "text/calendar");
        text("vtt", "text/vtt");
        BUILT_IN.put("wasm", "application/wasm");
        BUILT_IN.put("png", "image/png");
        BUILT_IN.put("jpg", "image/jpeg");
        BUILT_IN.put("jpeg", "image/jpeg");
        BUILT_IN.put("gif", "image/gif");
        BUILT_IN.put("webp", "image/webp");
        BUILT_IN.put("avif", "image/avif");
        BUILT_IN.put("ico", "image/x-icon");
        BUILT_IN.put("bmp", "image/bmp");
        BUILT_IN.put("woff", "font/woff");
        BUILT_IN.put("woff2", "font/woff2");
        BUILT_IN.put("ttf", "font/ttf");
        BUILT_IN.put("otf", "font/otf");
        BUILT_IN.put("mp4", "video/mp4");
        BUILT_IN.put("webm", "video/webm");
        BUILT_IN.put("mp3", "audio/mpeg");
        BUILT_IN.put("ogg", "audio/ogg");
        BUILT_IN.put("wav", "audio/wav");
        BUILT_IN.put("pdf", "application/pdf");
        BUILT_IN.put("zip", "application/zip");
        BUILT_IN.put("gz", "application/gzip");
        BUILT_IN.put("tar", "application/x-tar");
    }

    private final Map<String, String> byExtension;

    /** The built-in table, with {@code extra} (extension without the dot, to type) over it. */
    public MediaTypes(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(BUILT_IN);
        extra.forEach((ext, type) -> all.put(ext.toLowerCase(Locale.ROOT), type));
        this.byExtension = Map.copyOf(all);
    }

    private static void text(String ext, String type) {
        BUILT_IN.put(ext, type + UTF8);
    }

    /** The type of a file named {@code name}. */
    public String of(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return FALLBACK;
        }
        return byExtension.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), FALLBACK);
    }
}
