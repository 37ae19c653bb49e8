package dev.baton.staticfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticFilesTest {
    @TempDir
    Path dir;
    Site site;

    @BeforeEach
    void site() throws IOException {
        site = new Site(dir);
    }

    private TestServer serve(StaticFiles files) {
        return TestServer.start(r -> r.staticFiles("/assets", files));
    }

    private TestServer serve() {
        return serve(StaticFiles.directory(site.root));
    }

    private static HttpResponse<byte[]> send(TestServer s, HttpRequest.Builder request) throws Exception {
        return s.client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> get(TestServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = s.request(path);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(s, b);
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void aFileIsServedWithItsTypeLengthValidatorsAndNosniff() throws Exception {
        try (TestServer s = serve()) {
            HttpResponse<byte[]> r = get(s, "/assets/hello.txt");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(Site.HELLO);
            assertThat(header(r, "Content-Type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(header(r, "Content-Length")).isEqualTo(String.valueOf(Site.HELLO.length()));
            assertThat(header(r, "ETag")).matches("\"[0-9a-f]+-[0-9a-f]+\"");
            long modified = Files.getLastModifiedTime(site.root.resolve("hello.txt")).toMillis() / 1000;
            assertThat(header(r, "Last-Modified")).isEqualTo(dev.baton.staticfiles.internal.HttpDates.format(modified));
            assertThat(header(r, "Accept-Ranges")).isEqualTo("bytes");
            assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(header(r, "Cache-Control")).isEqualTo("no-cache");
        }
    }

    @Test
    void typesComeFromTheExtensionWithUtf8ForTextAndOctetStreamForTheUnknown() throws Exception {
        try (TestServer s = serve(StaticFiles.builder().directory(site.root).mediaType("bin", "application/x-test").build())) {
            assertThat(header(get(s, "/assets/app.js"), "Content-Type")).isEqualTo("text/javascript; charset=utf-8");
            assertThat(header(get(s, "/assets/image.png"), "Content-Type")).isEqualTo("image/png");
            assertThat(header(get(s, "/assets/data.json", "Accept-Encoding", "identity"), "Content-Type"))
                    .isEqualTo("application/json; charset=utf-8");
            assertThat(header(get(s, "/assets/noextension"), "Content-Type")).isEqualTo("application/octet-stream");
            assertThat(header(get(s, "/assets/big.bin"), "Content-Type")).isEqualTo("application/x-test");
        }
    }

    @Test
    void aLargeFileArrivesWholeOverKeepAliveAndHttp10() throws Exception {
        try (TestServer s = serve()) {
            for (int i = 0; i < 3; i++) { // one connection, the next request after each file
                HttpResponse<byte[]> r = get(s, "/assets/big.bin");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(site.big);
            }
            try (RawHttp raw = new RawHttp(s.port())) {
                var result = raw.send("GET /assets/hello.txt HTTP/1.0\r\n\r\n").readUntilClosed();
                assertThat(result.text()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n" + Site.HELLO);
            }
        }
    }

    @Test
    void headSendsTheHeadOfGetAndNoBodyAndTheConnectionGoesOn() throws Exception {
        try (TestServer s = serve()) {
            try (RawHttp raw = new RawHttp(s.port())) {
                String text = raw.send("HEAD /assets/big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /assets/hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed().text();
                int headEnd = text.indexOf("\r\n\r\n") + 4;
                assertThat(text.substring(0, headEnd)).startsWith("HTTP/1.1 200").contains("content-length: " + site.big.length);
                // no body after the HEAD's head: the next response follows at once
                assertThat(text.substring(headEnd)).startsWith("HTTP/1.1 200").endsWith(Site.HELLO);
            }
            HttpResponse<byte[]> get = get(s, "/assets/hello.txt");
            HttpResponse<byte[]> head = send(s, s.request("/assets/hello.txt").method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertThat(head.body()).isEmpty();
            for (String f : List.of("Content-Length", "Content-Type", "ETag", "Last-Modified", "Accept-Ranges")) {
                assertThat(head.headers().allValues(f)).as(f).isEqualTo(get.headers().allValues(f));
            }
        }
    }

    @Test
    void otherMethodsAreRefusedWith405NamingGetAndHead() throws Exception {
        try (TestServer s = serve()) {
            HttpResponse<byte[]> r = send(s, s.request("/assets/hello.txt").POST(HttpRequest.BodyPublishers.ofString("x")));
            assertThat(r.statusCode()).isEqualTo(405);
            assertThat(header(r, "Allow")).contains("GET").contains("HEAD");
            assertThat(send(s, s.request("/assets/hello.txt").DELETE()).statusCode()).isEqualTo(405);
        }
    }

    @Test
    void ifNoneMatchAndIfModifiedSinceAnswer304AndIfNoneMatchTakesPrecedence() throws Exception {
        try (TestServer s = serve()) {
            HttpResponse<byte[]> first = get(s, "/assets/hello.txt");
            String etag = header(first, "ETag");
            String modified = header(first, "Last-Modified");
            HttpResponse<byte[]> notModified = get(s, "/assets/hello.txt", "If-None-Match", etag);
            assertThat(notModified.statusCode()).isEqualTo(304);
            assertThat(notModified.body()).isEmpty();
            assertThat(header(notModified, "ETag")).isEqualTo(etag);
            assertThat(header(notModified, "Cache-Control")).isEqualTo("no-cache");
            assertThat(get(s, "/assets/hello.txt", "If-None-Match", "\"other\", W/" + etag).statusCode()).isEqualTo(304);
            assertThat(get(s, "/assets/hello.txt", "If-None-Match", "*").statusCode()).isEqualTo(304);
            assertThat(get(s, "/assets/hello.txt", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
            assertThat(get(s, "/assets/hello.txt", "If-Modified-Since", modified).statusCode()).isEqualTo(304);
            assertThat(get(s, "/assets/hello.txt", "If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT").statusCode()).isEqualTo(200);
            assertThat(get(s, "/assets/hello.txt", "If-Modified-Since", "not a date").statusCode()).isEqualTo(200);
            // If-None-Match present: If-Modified-Since is not looked at (RFC 9110 13.1.3)
            assertThat(get(s, "/assets/hello.txt", "If-None-Match", "\"other\"", "If-Modified-Since", modified).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void ifMatchAndIfUnmodifiedSinceFailWith412AndIfMatchTakesPrecedence() throws Exception {
        try (TestServer s = serve()) {
            HttpResponse<byte[]> first = get(s, "/assets/hello.txt");
            String etag = header(first, "ETag");
            HttpResponse<byte[]> failed = get(s, "/assets/hello.txt", "If-Match", "\"other\"");
            assertThat(failed.statusCode()).isEqualTo(412);
            assertThat(header(failed, "Content-Type")).isEqualTo("application/problem+json");
            assertThat(get(s, "/assets/hello.txt", "If-Match", "W/" + etag).statusCode()).as("weak never matches If-Match").isEqualTo(412);
            assertThat(get(s, "/assets/hello.txt", "If-Match", etag).statusCode()).isEqualTo(200);
            assertThat(get(s, "/assets/hello.txt", "If-Match", "*").statusCode()).isEqualTo(200);
            String old = "Sun, 06 Nov 1994 08:49:37 GMT";
            assertThat(get(s, "/assets/hello.txt", "If-Unmodified-Since", old).statusCode()).isEqualTo(412);
            assertThat(get(s, "/assets/hello.txt", "If-Unmodified-Since", header(first, "Last-Modified")).statusCode()).isEqualTo(200);
            assertThat(get(s, "/assets/hello.txt", "If-Match", etag, "If-Unmodified-Since", old).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSingleRangeGets206WithContentRangeAndSuffixAndOpenRangesWork() throws Exception {
        try (TestServer s = serve()) {
            int n = site.big.length;
            HttpResponse<byte[]> r = get(s, "/assets/big.bin", "Range", "bytes=10-19");
            assertThat(r.statusCode()).isEqualTo(206);
            assertThat(header(r, "Content-Range")).isEqualTo("bytes 10-19/" + n);
            assertThat(header(r, "Content-Length")).isEqualTo("10");
            assertThat(r.body()).isEqualTo(Arrays.copyOfRange(site.big, 10, 20));
            HttpResponse<byte[]> suffix = get(s, "/assets/big.bin", "Range", "bytes=-100");
            assertThat(header(suffix, "Content-Range")).isEqualTo("bytes " + (n - 100) + "-" + (n - 1) + "/" + n);
            assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(site.big, n - 100, n));
            HttpResponse<byte[]> open = get(s, "/assets/big.bin", "Range", "bytes=" + (n - 5) + "-");
            assertThat(open.body()).isEqualTo(Arrays.copyOfRange(site.big, n - 5, n));
            HttpResponse<byte[]> pastEnd = get(s, "/assets/big.bin", "Range", "bytes=" + (n - 5) + "-" + (n + 1000));
            assertThat(header(pastEnd, "Content-Range")).isEqualTo("bytes " + (n - 5) + "-" + (n - 1) + "/" + n);
        }
    }

    @Test
    void anUnsatisfiableRangeGets416WithTheLengthAndOthersAreIgnored() throws Exception {
        try (TestServer s = serve()) {
            int n = site.big.length;
            HttpResponse<byte[]> r = get(s, "/assets/big.bin", "Range", "bytes=" + n + "-");
            assertThat(r.statusCode()).isEqualTo(416);
            assertThat(header(r, "Content-Range")).isEqualTo("bytes */" + n);
            assertThat(get(s, "/assets/big.bin", "Range", "bytes=-0").statusCode()).isEqualTo(416);
            // multiple ranges, other units and malformed fields: the whole file (RFC 9110 14.2 allows it)
            for (String ignored : List.of("bytes=0-1,5-6", "items=0-1", "bytes=5-1", "bytes=a-b", "bytes 0-1")) {
                HttpResponse<byte[]> whole = get(s, "/assets/hello.txt", "Range", ignored);
                assertThat(whole.statusCode()).as(ignored).isEqualTo(200);
                assertThat(new String(whole.body(), StandardCharsets.UTF_8)).isEqualTo(Site.HELLO);
            }
            HttpResponse<byte[]> head = send(s, s.request("/assets/hello.txt").header("Range", "bytes=0-1")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertThat(head.statusCode()).as("Range applies to GET only").isEqualTo(200);
        }
    }

    @Test
    void ifRangeServesTheRangeOnlyWhileTheValidatorStillMatches() throws Exception {
        try (TestServer s = serve()) {
            HttpResponse<byte[]> first = get(s, "/assets/hello.txt");
            String etag = header(first, "ETag");
            assertThat(get(s, "/assets/hello.txt", "Range", "bytes=0-4", "If-Range", etag).statusCode()).isEqualTo(206);
            assertThat(get(s, "/assets/hello.txt", "Range", "bytes=0-4", "If-Range", header(first, "Last-Modified")).statusCode())
                    .isEqualTo(206);
            assertThat(get(s, "/assets/hello.txt", "Range", "bytes=0-4", "If-Range", "\"stale\"").statusCode()).isEqualTo(200);
            assertThat(get(s, "/assets/hello.txt", "Range", "bytes=0-4", "If-Range", "W/" + etag).statusCode()).isEqualTo(200);
            assertThat(get(s, "/assets/hello.txt", "Range", "bytes=0-4", "If-Range", "Sun, 06 Nov 1994 08:49:37 GMT").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aCompressibleFileIsGzippedWithItsOwnTagWhichStillValidatesButNeverForARange() throws Exception {
        try (TestServer s = serve()) {
            HttpResponse<byte[]> identity = get(s, "/assets/data.json");
            HttpResponse<byte[]> gz = get(s, "/assets/data.json", "Accept-Encoding", "gzip");
            assertThat(header(gz, "Content-Encoding")).isEqualTo("gzip");
            assertThat(header(gz, "Vary")).isEqualTo("Accept-Encoding");
            assertThat(header(identity, "Vary")).isEqualTo("Accept-Encoding");
            assertThat(header(gz, "ETag")).isEqualTo(header(identity, "ETag").replace("\"", "") .transform(t -> "\"" + t + "-gzip\""));
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(site.json);
            }
            assertThat(gz.body().length).isLessThan(site.json.length() / 10);
            HttpResponse<byte[]> notModified = get(s, "/assets/data.json", "Accept-Encoding", "gzip", "If-None-Match", header(gz, "ETag"));
            assertThat(notModified.statusCode()).isEqualTo(304);
            assertThat(header(notModified, "ETag")).isEqualTo(header(gz, "ETag"));
            assertThat(header(notModified, "Content-Encoding")).isNull();
            HttpResponse<byte[]> range = get(s, "/assets/data.json", "Accept-Encoding", "gzip", "Range", "bytes=0-9");
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(header(range, "Content-Encoding")).isNull();
            assertThat(new String(range.body(), StandardCharsets.UTF_8)).isEqualTo(site.json.substring(0, 10));
            assertThat(header(get(s, "/assets/image.png", "Accept-Encoding", "gzip"), "Content-Encoding")).isNull();
        }
    }

    @Test
    void aDirectoryIsA404UntilAnIndexIsConfiguredThenItRedirectsToItsSlashAndServesTheIndex() throws Exception {
        try (TestServer s = serve()) {
            assertThat(get(s, "/assets/sub").statusCode()).isEqualTo(404);
            assertThat(get(s, "/assets/sub/").statusCode()).isEqualTo(404);
            assertThat(get(s, "/assets/").statusCode()).isEqualTo(404);
        }
        try (TestServer s = serve(StaticFiles.builder().directory(site.root).index("index.html").build())) {
            HttpResponse<byte[]> redirect = get(s, "/assets/sub?x=1");
            assertThat(redirect.statusCode()).isEqualTo(301);
            assertThat(header(redirect, "Location")).isEqualTo("/assets/sub/?x=1");
            HttpResponse<byte[]> index = get(s, "/assets/sub/");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(header(index, "Content-Type")).isEqualTo("text/html; charset=utf-8");
            assertThat(new String(index.body(), StandardCharsets.UTF_8)).isEqualTo("<h1>sub</h1>");
            assertThat(get(s, "/assets/").statusCode()).as("the root has no index.html").isEqualTo(404);
        }
    }

    @Test
    void hiddenFilesAndLinksAreNotServedByDefaultAndLinksNeverOutsideTheRoot() throws Exception {
        try (TestServer s = serve()) {
            assertThat(get(s, "/assets/.env").statusCode()).isEqualTo(404);
            assertThat(get(s, "/assets/inner-link").statusCode()).isEqualTo(404);
        }
        try (TestServer s = serve(StaticFiles.builder().directory(site.root).serveHidden(true).followSymlinks(true).build())) {
            assertThat(get(s, "/assets/.env").statusCode()).isEqualTo(200);
            HttpResponse<byte[]> linked = get(s, "/assets/inner-link");
            assertThat(new String(linked.body(), StandardCharsets.UTF_8)).isEqualTo(Site.HELLO);
            assertThat(get(s, "/assets/link").statusCode()).isEqualTo(404);
            assertThat(get(s, "/assets/link-dir/secret.txt").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void cacheControlIsConfigurable() throws Exception {
        try (TestServer s = serve(StaticFiles.builder().directory(site.root).maxAge(Duration.ofDays(365)).immutable(true).build())) {
            assertThat(header(get(s, "/assets/hello.txt"), "Cache-Control")).isEqualTo("max-age=31536000, immutable");
        }
        try (TestServer s = serve(StaticFiles.builder().directory(site.root).cacheControl("").build())) {
            assertThat(header(get(s, "/assets/hello.txt"), "Cache-Control")).isNull();
        }
    }

    @Test
    void aMountAtTheRootServesBesideOtherRoutesWhichWin() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/hello.txt", ctx -> "from a route");
            r.staticFiles("/", StaticFiles.directory(site.root));
        })) {
            assertThat(s.get("/hello.txt").body()).isEqualTo("from a route");
            assertThat(s.get("/app.js").body()).isEqualTo("console.log('hi');\n");
            assertThat(s.get("/sub/index.html").body()).isEqualTo("<h1>sub</h1>");
        }
    }

    @Test
    void aMissingRootOrNoSourceIsRefusedWhenTheMountIsBuilt() {
        assertThatThrownBy(() -> StaticFiles.directory(dir.resolve("nowhere"))).hasMessageContaining("nowhere");
        assertThatThrownBy(() -> StaticFiles.directory(site.root.resolve("hello.txt"))).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> StaticFiles.builder().build()).hasMessageContaining("directory(...) or a classpath(...)");
        assertThatThrownBy(() -> StaticFiles.builder().index("../x")).hasMessageContaining("plain file name");
    }
}
