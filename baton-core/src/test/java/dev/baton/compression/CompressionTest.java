package dev.baton.compression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ServerConfig;
import dev.baton.config.BatonConfig;
import dev.baton.http.Response;
import dev.baton.routing.Routing;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressionTest {
    /** About 100 KB of JSON: a list of records that repeat, as API answers do. */
    static final List<Map<String, Object>> ITEMS = items();
    static final String BIG_TEXT = "All work and no play makes Jack a dull boy. ".repeat(100);

    @TempDir
    Path dir;

    private static List<Map<String, Object>> items() {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            items.add(Map.of("id", i, "name", "gizmo number " + i, "colour", i % 2 == 0 ? "red" : "blue", "price", i * 1.25));
        }
        return items;
    }

    private static void routes(Routing r) {
        r.get("/items", ctx -> ITEMS);
        r.get("/text", ctx -> Response.text(BIG_TEXT));
        r.get("/small", ctx -> Response.text("short"));
        r.get("/png", ctx -> Response.ok().bytes(BIG_TEXT.getBytes(StandardCharsets.UTF_8), "image/png"));
        r.get("/coded", ctx -> Response.ok().header("Content-Encoding", "br").bytes(BIG_TEXT.getBytes(StandardCharsets.UTF_8), "text/plain"));
        r.get("/no-transform", ctx -> Response.ok().header("Cache-Control", "no-transform").text(BIG_TEXT));
        r.get("/tagged", ctx -> Response.ok().header("ETag", "\"v1\"").header("Vary", "Origin").text(BIG_TEXT));
        r.get("/partial", ctx -> Response.status(206).header("Content-Range", "bytes 0-2199/5000").text(BIG_TEXT));
        r.get("/stream", ctx -> Response.ok().stream("text/csv", sink -> sink.write("id,name\n")
                .thenCompose(v -> sink.write(BIG_TEXT)).thenCompose(v -> sink.write("last line\n"))
                .whenComplete((v, e) -> sink.close())));
    }

    private static TestServer server() {
        return TestServer.start(CompressionTest::routes);
    }

    private static HttpResponse<byte[]> get(TestServer s, String path, String acceptEncoding) throws Exception {
        HttpRequest.Builder b = s.request(path);
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return s.client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aHundredKilobytesOfJsonAreGzippedForAClientThatAcceptsGzipAndDecodeToTheSameBytes() throws Exception {
        try (TestServer s = server()) {
            HttpResponse<byte[]> plain = get(s, "/items", null);
            HttpResponse<byte[]> gz = get(s, "/items", "gzip, deflate");
            assertThat(plain.body().length).isGreaterThan(90_000);
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(gz.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(gz.headers().firstValueAsLong("Content-Length")).hasValue(gz.body().length);
            assertThat(gz.body().length).isLessThan(plain.body().length / 5);
            assertThat(gunzip(gz.body())).isEqualTo(plain.body());
        }
    }

    @Test
    void everyCompressibleResponseSaysItVariesByAcceptEncodingCompressedOrNot() throws Exception {
        try (TestServer s = server()) {
            assertThat(get(s, "/items", null).headers().allValues("Vary")).containsExactly("Accept-Encoding");
            assertThat(get(s, "/items", "gzip").headers().allValues("Vary")).containsExactly("Accept-Encoding");
            // below the threshold every client that takes identity gets the same bytes: nothing varies
            assertThat(get(s, "/small", "gzip").headers().allValues("Vary")).isEmpty();
            assertThat(get(s, "/small", null).headers().allValues("Vary")).isEmpty();
            // unless the client refuses identity: then even a small body is gzipped, and says so
            assertThat(get(s, "/small", "gzip, identity;q=0").headers().allValues("Vary")).containsExactly("Accept-Encoding");
            // the application's own Vary is kept, with Accept-Encoding added to it
            assertThat(get(s, "/tagged", "gzip").headers().allValues("Vary")).containsExactly("Origin, Accept-Encoding");
        }
    }

    @Test
    void weightsFollowRfc9110SoQZeroRefusesACodingAndTheStarStandsForTheOthers() throws Exception {
        try (TestServer s = server()) {
            for (String refuses : List.of("gzip;q=0", "br", "identity", "", "*;q=0, identity", "gzip; q=0.000, *")) {
                assertThat(get(s, "/text", refuses).headers().firstValue("Content-Encoding")).as(refuses).isEmpty();
            }
            for (String accepts : List.of("*", "GZIP;Q=0.5", "x-gzip", "br;q=1, gzip;q=0.1", "identity;q=0.5, *;q=0.2")) {
                HttpResponse<byte[]> res = get(s, "/text", accepts);
                assertThat(res.headers().firstValue("Content-Encoding")).as(accepts).hasValue("gzip");
                assertThat(new String(gunzip(res.body()), StandardCharsets.UTF_8)).isEqualTo(BIG_TEXT);
            }
        }
    }

    @Test
    void aBodyUnderTheThresholdIsSentAsItIsUnlessIdentityIsRefused() throws Exception {
        try (TestServer s = server()) {
            HttpResponse<byte[]> small = get(s, "/small", "gzip");
            assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(small.body()).isEqualTo("short".getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> forced = get(s, "/small", "gzip, identity;q=0");
            assertThat(forced.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(gunzip(forced.body())).isEqualTo("short".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void compressedTypesCodedBodiesNoTransformAndPartialContentAreNeverCompressed() throws Exception {
        try (TestServer s = server()) {
            for (String path : List.of("/png", "/coded", "/no-transform", "/partial")) {
                HttpResponse<byte[]> res = get(s, path, "gzip");
                assertThat(res.headers().firstValue("Content-Encoding")).as(path).isNotEqualTo(java.util.Optional.of("gzip"));
                assertThat(res.headers().allValues("Vary")).as(path).isEmpty();
                assertThat(new String(res.body(), StandardCharsets.UTF_8)).as(path).isEqualTo(BIG_TEXT);
            }
        }
    }

    @Test
    void theCompressedFormHasItsOwnEntityTag() throws Exception {
        try (TestServer s = server()) {
            assertThat(get(s, "/tagged", null).headers().firstValue("ETag")).hasValue("\"v1\"");
            assertThat(get(s, "/tagged", "gzip").headers().firstValue("ETag")).hasValue("\"v1-gzip\"");
        }
    }

    @Test
    void aStreamedBodyIsGzippedPieceByPieceAndEachPieceCanBeDecodedAsItArrives() throws Exception {
        CompletableFuture<Void> second = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.get("/live", ctx -> Response.ok().stream("text/plain", sink ->
                sink.write("first piece\n").thenCompose(v -> second).thenCompose(v -> sink.write("second piece\n"))
                        .whenComplete((v, e) -> sink.close()))))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /live HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
                String head = raw.readResponse().toLowerCase(java.util.Locale.ROOT);
                assertThat(head).contains("content-encoding: gzip").contains("transfer-encoding: chunked").contains("vary: accept-encoding");
                // the first chunk alone inflates to the first write: a sync flush, not a buffer held back
                byte[] firstChunk = raw.readChunk().getBytes(StandardCharsets.ISO_8859_1);
                java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
                inflater.setInput(firstChunk, 10, firstChunk.length - 10);
                byte[] out = new byte[100];
                int n = inflater.inflate(out);
                inflater.end();
                assertThat(new String(out, 0, n, StandardCharsets.UTF_8)).isEqualTo("first piece\n");
                second.complete(null);
            }
            HttpResponse<byte[]> whole = get(s, "/live", "gzip");
            assertThat(new String(gunzip(whole.body()), StandardCharsets.UTF_8)).isEqualTo("first piece\nsecond piece\n");
        }
    }

    @Test
    void aStreamedBodyDecodesWholeThroughAnOrdinaryClient() throws Exception {
        try (TestServer s = server()) {
            HttpResponse<byte[]> res = get(s, "/stream", "gzip");
            assertThat(res.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(new String(gunzip(res.body()), StandardCharsets.UTF_8)).isEqualTo("id,name\n" + BIG_TEXT + "last line\n");
        }
    }

    @Test
    void headGetsTheHeadThatGetWouldWithTheCompressedLength() throws Exception {
        try (TestServer s = server()) {
            HttpResponse<byte[]> get = get(s, "/items", "gzip");
            HttpResponse<byte[]> head = s.client.send(s.request("/items").header("Accept-Encoding", "gzip")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(head.body()).isEmpty();
            for (String field : List.of("Content-Encoding", "Content-Length", "Content-Type", "Vary")) {
                assertThat(head.headers().allValues(field)).as(field).isEqualTo(get.headers().allValues(field));
            }
        }
    }

    @Test
    void compressionCanBeTurnedOffOrLimitedToOtherTypes() throws Exception {
        try (TestServer s = TestServer.start(c -> c.compression(false), CompressionTest::routes)) {
            HttpResponse<byte[]> res = get(s, "/items", "gzip");
            assertThat(res.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(res.headers().allValues("Vary")).isEmpty();
        }
        try (TestServer s = TestServer.start(c -> c.compressionTypes("text/csv").compressionThreshold(10).compressionLevel(1),
                CompressionTest::routes)) {
            assertThat(get(s, "/items", "gzip").headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(get(s, "/stream", "gzip").headers().firstValue("Content-Encoding")).hasValue("gzip");
        }
    }

    @Test
    void theSettingsLoadFromBatonYaml() throws IOException {
        Path file = Files.writeString(dir.resolve("baton.yaml"), """
                server:
                  compression: false
                  compressionLevel: 3
                  compressionThreshold: 4096
                  compressionTypes: "text/*, +json"
                """);
        ServerConfig c = BatonConfig.builder().file(file).build().applyTo(ServerConfig.builder()).build();
        assertThat(c.compression()).isFalse();
        assertThat(c.compressionLevel()).isEqualTo(3);
        assertThat(c.compressionThreshold()).isEqualTo(4096);
        assertThat(c.compressionTypes()).isEqualTo("text/*, +json");
    }

    @Test
    void aMalformedTypePatternOrLevelIsRefusedWhenTheConfigIsBuilt() {
        Consumer<ServerConfig.Builder> badType = b -> b.compressionTypes("text");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            ServerConfig.Builder b = ServerConfig.builder();
            badType.accept(b);
            b.build();
        }).hasMessageContaining("text");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.builder().compressionLevel(10).build())
                .hasMessageContaining("compressionLevel");
    }
}
