package dev.baton.demo.dashboard;

import dev.baton.http.HttpException;
import dev.baton.http.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * uPlot's files, served from its webjar on the classpath under a versioned path
 * ({@code /webjars/uplot/1.6.30/dist/uPlot.iife.min.js}), so that browsers may keep them for good.
 * Only plain file names of {@code dist/} with a known type are served: no path reaches past it.
 */
final class UplotAssets {
    static final String ROUTE = "/webjars/uplot/{version}/dist/{file}";
    private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
    private static final String POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,100}");
    private static final Map<String, String> TYPES = Map.of(
            ".js", "text/javascript; charset=utf-8",
            ".css", "text/css; charset=utf-8");

    private final String version;
    private final Map<String, byte[]> loaded = new ConcurrentHashMap<>();

    private UplotAssets(String version) {
        this.version = version;
    }

    /** Finds the webjar's version on the classpath. */
    static UplotAssets fromClasspath() {
        Properties pom = new Properties();
        try (InputStream in = UplotAssets.class.getClassLoader().getResourceAsStream(POM)) {
            if (in == null) {
                throw new IllegalStateException("the uPlot webjar (org.webjars.npm:uplot) is not on the classpath: " + POM);
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new UplotAssets(pom.getProperty("version"));
    }

    /** Reads {@code files} now; fails if one is missing from the webjar. */
    UplotAssets preload(String... files) {
        for (String file : files) {
            byte[] body = read(file);
            if (body == null) {
                throw new IllegalStateException("the uPlot webjar " + version + " has no dist/" + file);
            }
            loaded.put(file, body);
        }
        return this;
    }

    String version() {
        return version;
    }

    /** The path a page links to. */
    String path(String file) {
        return "/webjars/uplot/" + version + "/dist/" + file;
    }

    /** The file, or a 404 for another version, a name that is not a plain file name, an unknown type or no such file. */
    Response serve(String askedVersion, String file) {
        String type = FILE_NAME.matcher(file).matches() ? TYPES.get(extension(file)) : null;
        if (!version.equals(askedVersion) || type == null) {
            throw HttpException.notFound("no such uPlot asset");
        }
        byte[] body = loaded.get(file);
        if (body == null) {
            body = read(file);
            if (body == null) {
                throw HttpException.notFound("no such uPlot asset"); // a miss is not kept: names asked for cannot fill memory
            }
            loaded.putIfAbsent(file, body);
        }
        return Response.ok().header("Cache-Control", "public, max-age=31536000, immutable").bytes(body, type);
    }

    private byte[] read(String file) {
        try (InputStream in = UplotAssets.class.getClassLoader().getResourceAsStream(WEBJAR + version + "/dist/" + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String extension(String file) {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? "" : file.substring(dot);
    }
}
