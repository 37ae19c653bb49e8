package dev.baton.staticfiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-path mounts: a WebJar (resources inside a jar) and a directory on the class path. */
class ClasspathFilesTest {
    private static final String LIB_JS = "export const version = '1.0.0';\n".repeat(100);

    @TempDir
    Path dir;

    /** A jar laid out as WebJars are: META-INF/resources/webjars/NAME/VERSION/FILE. */
    private Path webjar(byte[] large) throws Exception {
        Path jar = dir.resolve("lib-1.0.0.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/resources/webjars/lib/1.0.0/"));
            out.closeEntry();
            entry(out, "META-INF/resources/webjars/lib/1.0.0/lib.js", LIB_JS.getBytes(StandardCharsets.UTF_8));
            entry(out, "META-INF/resources/webjars/lib/1.0.0/lib.wasm", large);
        }
        return jar;
    }

    private static void entry(JarOutputStream out, String name, byte[] content) throws Exception {
        JarEntry e = new JarEntry(name);
        e.setTime(1_700_000_000_000L);
        out.putNextEntry(e);
        out.write(content);
        out.closeEntry();
    }

    private static HttpResponse<byte[]> get(TestServer s, String path, String... headers) throws Exception {
        var b = s.request(path);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return s.client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aWebJarsResourceIsServedWithValidatorsRangesAndCompression() throws Exception {
        byte[] large = new byte[1_500_000];
        new Random(7).nextBytes(large);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {webjar(large).toUri().toURL()}, null);
             TestServer s = TestServer.start(r -> r.staticFiles("/webjars",
                     StaticFiles.builder().classpath("META-INF/resources/webjars").classLoader(loader).build()))) {
            HttpResponse<byte[]> js = get(s, "/webjars/lib/1.0.0/lib.js");
            assertThat(js.statusCode()).isEqualTo(200);
            assertThat(new String(js.body(), StandardCharsets.UTF_8)).isEqualTo(LIB_JS);
            assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            assertThat(js.headers().firstValue("Last-Modified")).hasValue("Tue, 14 Nov 2023 22:13:20 GMT");
            String etag = js.headers().firstValue("ETag").orElseThrow();
            assertThat(get(s, "/webjars/lib/1.0.0/lib.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
            HttpResponse<byte[]> range = get(s, "/webjars/lib/1.0.0/lib.js", "Range", "bytes=7-11");
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(new String(range.body(), StandardCharsets.UTF_8)).isEqualTo("const");
            HttpResponse<byte[]> gz = get(s, "/webjars/lib/1.0.0/lib.js", "Accept-Encoding", "gzip");
            assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(LIB_JS);
            }
            // over the in-memory limit: streamed whole, no ranges
            HttpResponse<byte[]> big = get(s, "/webjars/lib/1.0.0/lib.wasm", "Range", "bytes=0-9");
            assertThat(big.statusCode()).isEqualTo(200);
            assertThat(big.headers().firstValue("Accept-Ranges")).hasValue("none");
            assertThat(big.body()).isEqualTo(large);
            assertThat(get(s, "/webjars/lib/1.0.0/").statusCode()).isEqualTo(404);
            assertThat(get(s, "/webjars/lib/1.0.0").statusCode()).isEqualTo(404);
            assertThat(get(s, "/webjars/lib/1.0.0/missing.js").statusCode()).isEqualTo(404);
            assertThat(get(s, "/webjars/lib/1.0.0/%2e%2e/1.0.0/lib.js").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void aDirectoryOnTheClassPathIsServedFromDisk() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes/static/css"));
        Files.writeString(classes.resolve("site.css"), "body { margin: 0 }\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, null);
             TestServer s = TestServer.start(r -> r.staticFiles("/static",
                     StaticFiles.builder().classpath("/static/").classLoader(loader).build()))) {
            HttpResponse<byte[]> css = get(s, "/static/css/site.css", "Range", "bytes=0-3");
            assertThat(css.statusCode()).isEqualTo(206);
            assertThat(Arrays.equals(css.body(), "body".getBytes(StandardCharsets.UTF_8))).isTrue();
            assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
            assertThat(get(s, "/static/css").statusCode()).isEqualTo(404);
        }
    }

}
