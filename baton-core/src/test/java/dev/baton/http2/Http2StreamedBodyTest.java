package dev.baton.http2;

import static dev.baton.support.BodyPattern.crc;
import static dev.baton.support.BodyPattern.crcOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Http2Config;
import dev.baton.ServerConfig;
import dev.baton.context.CancellationReason;
import dev.baton.http.HttpException;
import dev.baton.http.Response;
import dev.baton.internal.body.RequestBodyStream;
import dev.baton.routing.Routing;
import dev.baton.support.BodyPattern;
import dev.baton.support.RawH2;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import dev.baton.tls.TlsFixtures;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request bodies streamed to their handlers over HTTP/2: flow control, limits, resets, 100-continue, slow clients. */
class Http2StreamedBodyTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    /**
     * What a streamed body may hold for its reader: the high-water mark, plus what the stream's
     * window let the client send meanwhile (the frames of the read that crossed the mark).
     */
    private static final long HELD_BOUND = RequestBodyStream.HIGH_WATER + Http2Config.DEFAULTS.initialWindowSize()
            + Http2Config.DEFAULTS.maxFrameSize();

    @Test
    void aFiftyMegabyteUploadOverH2GoesToAFileThroughBoundedMemory(@TempDir Path dir) throws Exception {
        long size = 50L << 20;
        Path file = dir.resolve("upload.bin");
        AtomicReference<RequestBodyStream> seen = new AtomicReference<>();
        // the server's aggregate limit is 1 MB: only streaming lets 50 MB through
        try (TestServer s = tls(c -> c.maxBodySize(1 << 20), r -> r.post("/upload", ctx -> {
            RequestBodyStream body = (RequestBodyStream) ctx.request().bodyStream();
            seen.set(body);
            return body.transferTo(file).thenApply(n -> n + " " + ctx.request().protocol());
        }).streamBody(1L << 30)); HttpClient client = h2Client()) {
            HttpResponse<String> res = client.send(upload(s, "/upload", new BodyPattern(size), size), HttpResponse.BodyHandlers.ofString());

            assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(size + " HTTP/2.0");
            assertThat(Files.size(file)).isEqualTo(size);
            assertThat(crcOf(Files.newInputStream(file))).isEqualTo(crcOf(new BodyPattern(size)));
            assertThat(seen.get().peakHeldBytes()).isPositive().isLessThanOrEqualTo(HELD_BOUND);
        }
    }

    @Test
    void aReaderThatAsksForNothingStallsTheClientOnItsWindowWhileOtherStreamsGoOn() throws Exception {
        long size = 16L << 20;
        AtomicReference<RequestBodyStream> seen = new AtomicReference<>();
        CompletableFuture<Void> readNow = new CompletableFuture<>();
        // a body must average 1 MB/s after 100 ms: the time the reader holds it back is not the client's
        try (TestServer s = tls(c -> c.minRequestBodyRate(1_000_000).bodyRateGrace(Duration.ofMillis(100)), r -> {
            r.post("/slow", ctx -> {
                RequestBodyStream body = (RequestBodyStream) ctx.request().bodyStream();
                seen.set(body);
                return readNow.thenCompose(v -> crc(body));
            }).streamBody(size);
            r.post("/echo", ctx -> ctx.request().bodyText().length() + " chars");
        }); HttpClient client = h2Client()) {
            AtomicLong sent = new AtomicLong();
            CompletableFuture<HttpResponse<String>> upload = client.sendAsync(
                    upload(s, "/slow", counting(new BodyPattern(size), sent), size), HttpResponse.BodyHandlers.ofString());

            Await.until("the server stops reading", WITHIN, () -> seen.get() != null && seen.get().isPaused());
            Await.during("the client stays stalled", Duration.ofMillis(500), () -> !upload.isDone());
            assertThat(sent.get()).isLessThan(size);
            assertThat(seen.get().peakHeldBytes()).isLessThanOrEqualTo(HELD_BOUND);
            // the held stream keeps its own window, not the connection's: another upload goes through meanwhile
            HttpResponse<String> other = client.send(HttpRequest.newBuilder(uri(s, "/echo")).timeout(WITHIN)
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.body()).isEqualTo("100000 chars");
            assertThat(other.version()).isEqualTo(HttpClient.Version.HTTP_2);

            readNow.complete(null);
            HttpResponse<String> res = Await.result(upload, WITHIN);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(size + " " + crcOf(new BodyPattern(size)));
            assertThat(seen.get().peakHeldBytes()).isLessThanOrEqualTo(HELD_BOUND);
        }
    }

    @Test
    void overH2cAPausedReaderWithholdsTheStreamsWindowUntilItReads() throws Exception {
        long size = 1L << 20;
        AtomicReference<RequestBodyStream> seen = new AtomicReference<>();
        CompletableFuture<Void> readNow = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.post("/slow", ctx -> {
            RequestBodyStream body = (RequestBodyStream) ctx.request().bodyStream();
            seen.set(body);
            return readNow.thenCompose(v -> crc(body));
        }).streamBody(size)); RawH2 h2 = new RawH2(s.port(), Duration.ofSeconds(1))) {
            int id = h2.nextStreamId();
            h2.headers(id, post("/slow", size), false);
            FlowControlledUploads upload = new FlowControlledUploads(h2, size, id);

            upload.sendWhileTheServerGrantsWindow();
            // the server stopped granting: the reader's 128 KiB are held, and one window the stream did not consume
            assertThat(upload.sent(id)).isLessThan(size).isLessThanOrEqualTo(HELD_BOUND);
            assertThat(seen.get().isPaused()).isTrue();

            readNow.complete(null);
            upload.sendWhileTheServerGrantsWindow();
            assertThat(upload.sent(id)).isEqualTo(size);
            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo(size + " " + crcOf(new BodyPattern(size)));
        }
    }

    @Test
    void aConnectionClosingUnderAPausedReaderFiresTheTokenAndFailsTheBody() throws Exception {
        leaveWhilePaused(false);
    }

    @Test
    void aStreamResetUnderAPausedReaderFiresTheTokenAndFailsTheBody() throws Exception {
        leaveWhilePaused(true);
    }

    /** The client leaves an upload whose reader is paused: by RST_STREAM on {@code reset}, else by closing the connection. */
    private static void leaveWhilePaused(boolean reset) throws Exception {
        long size = 1L << 20;
        AtomicReference<RequestBodyStream> seen = new AtomicReference<>();
        CompletableFuture<CancellationReason> cancelled = new CompletableFuture<>();
        CompletableFuture<Void> readNow = new CompletableFuture<>();
        CompletableFuture<Throwable> bodyFailure = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.post("/slow", ctx -> {
            ctx.cancellation().onCancel(cancelled::complete);
            RequestBodyStream body = (RequestBodyStream) ctx.request().bodyStream();
            seen.set(body);
            CompletionStage<String> read = readNow.thenCompose(v -> crc(body));
            read.whenComplete((n, e) -> bodyFailure.complete(e));
            return read.thenApply(crc -> crc);
        }).streamBody(size)); RawH2 h2 = new RawH2(s.port(), Duration.ofSeconds(1))) {
            int id = h2.nextStreamId();
            h2.headers(id, post("/slow", size), false);
            new FlowControlledUploads(h2, size, id).sendWhileTheServerGrantsWindow();
            assertThat(seen.get().isPaused()).isTrue(); // DATA the stream has not consumed waits in it
            if (reset) {
                h2.rst(id, RawH2.CANCEL);
            } else {
                h2.close();
            }

            assertThat(Await.result(cancelled, WITHIN)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            readNow.complete(null);
            assertThat(Await.result(bodyFailure, WITHIN)).isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(IOException.class);
            Await.until("nothing in flight", WITHIN, () -> s.server.stats().inFlight() == 0);
            if (reset) {
                int next = h2.nextStreamId();
                h2.headers(next, post("/slow", 0), true);
                readNow.complete(null);
                assertThat(h2.answer(next).body()).isEqualTo("0 0"); // the connection goes on
            }
        }
    }

    @Test
    void streamedBodiesAreNotHeldToTheConnectionsBodyBudget() throws Exception {
        long size = 4L << 20;
        // 256 KiB for the bodies the connection aggregates; two streamed uploads of 4 MiB at once go through it
        try (TestServer s = TestServer.start(c -> c.http2MaxConnectionBodyBytes(256 * 1024), r -> r.post("/upload",
                ctx -> crc(ctx.request().bodyStream())).streamBody(size)); RawH2 h2 = new RawH2(s.port(), Duration.ofSeconds(5))) {
            int first = h2.nextStreamId();
            int second = h2.nextStreamId();
            h2.headers(first, post("/upload", size), false);
            h2.headers(second, post("/upload", size), false);
            FlowControlledUploads uploads = new FlowControlledUploads(h2, size, first, second);
            uploads.sendWhileTheServerGrantsWindow();
            assertThat(uploads.sent(first) + uploads.sent(second)).isEqualTo(2 * size);
            h2.readTimeout(Duration.ofSeconds(20)); // the answers come once both bodies are read: room for a loaded machine
            String expected = size + " " + crcOf(new BodyPattern(size));
            assertThat(h2.answer(first).body()).isEqualTo(expected);
            assertThat(h2.answer(second).body()).isEqualTo(expected);
        }
    }

    @Test
    void anExpectationOtherThan100ContinueIs417() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/upload", ctx -> ctx.request().bodyStream().discard()).streamBody(1000));
             RawH2 h2 = new RawH2(s.port())) {
            int id = h2.nextStreamId();
            h2.headers(id, post("/upload", 5).add("expect", "100-continue, something-else"), false);
            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(417);
            assertThat(a.body()).contains("100-continue");
        }
    }

    @Test
    void aClientResettingMidUploadFailsTheBodyAndFiresTheToken() throws Exception {
        CompletableFuture<CancellationReason> cancelled = new CompletableFuture<>();
        CompletableFuture<Throwable> bodyFailure = new CompletableFuture<>();
        CompletableFuture<Void> reading = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> {
            r.post("/upload", ctx -> {
                ctx.cancellation().onCancel(cancelled::complete);
                CompletionStage<String> read = crc(ctx.request().bodyStream());
                read.whenComplete((n, e) -> bodyFailure.complete(e));
                reading.complete(null);
                return read.thenApply(crc -> crc); // a stage of its own: the one returned is cancelled
            }).streamBody(100L << 20);
            r.get("/ok", ctx -> "ok");
        }); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.nextStreamId();
            h2.headers(id, post("/upload", 10_000_000), false);
            h2.data(id, new byte[10_000], false);
            Await.result(reading, WITHIN);
            h2.rst(id, RawH2.CANCEL);

            assertThat(Await.result(cancelled, WITHIN)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            assertThat(Await.result(bodyFailure, WITHIN)).isInstanceOf(IOException.class).hasMessageContaining("reset the stream");
            assertThat(h2.answer(h2.send("GET", "/ok")).body()).isEqualTo("ok"); // the connection goes on
            Await.until("the disconnect counted", WITHIN, () -> s.server.stats().clientDisconnects() == 1 && s.server.stats().inFlight() == 0);
        }
    }

    @Test
    void aDeclaredLengthOverTheRoutesLimitIs413BeforeTheHandlerRunsAndTheServersLimitDoesNotApply() throws Exception {
        AtomicLong runs = new AtomicLong();
        try (TestServer s = TestServer.start(c -> c.maxBodySize(100), r -> r.post("/upload", ctx -> {
            runs.incrementAndGet();
            return ctx.request().bodyStream().readAll(1000).thenApply(b -> b.length + " bytes");
        }).streamBody(1000)); RawH2 h2 = new RawH2(s.port())) {
            int over = h2.nextStreamId();
            h2.headers(over, post("/upload", 1001), false);
            RawH2.Answer refused = h2.answer(over);
            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.headers().get("content-type").toString()).isEqualTo("application/problem+json");
            assertThat(refused.body()).contains("1000 bytes");
            assertThat(runs.get()).isZero();

            int within = h2.nextStreamId(); // past the server's 100 bytes, within the route's 1000
            h2.headers(within, post("/upload", 500), false);
            h2.data(within, new byte[500], true);
            assertThat(h2.answer(within).body()).isEqualTo("500 bytes");
        }
    }

    @Test
    void aBodyGrowingPastTheRoutesLimitFailsItsReaderWith413AndTheConnectionGoesOn() throws Exception {
        CompletableFuture<Throwable> bodyFailure = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> {
            r.post("/upload", ctx -> ctx.request().bodyStream().readAll(1 << 20).whenComplete((b, e) -> bodyFailure.complete(e)))
                    .streamBody(1000);
            r.get("/ok", ctx -> "ok");
        }); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.nextStreamId();
            h2.headers(id, RawH2.request("POST", "/upload"), false); // no content-length: the limit is found as DATA comes
            h2.data(id, "a".repeat(600).getBytes(StandardCharsets.US_ASCII), false);
            h2.data(id, "b".repeat(600).getBytes(StandardCharsets.US_ASCII), false);

            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.body()).contains("larger than 1000 bytes");
            assertThat(Await.result(bodyFailure, WITHIN)).isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(HttpException.class).hasMessageContaining("larger than 1000 bytes");
            assertThat(resetOf(h2, id)).isEqualTo(RawH2.NO_ERROR); // the rest of the body is not wanted (RFC 9113 8.1)
            assertThat(h2.answer(h2.send("GET", "/ok")).body()).isEqualTo("ok");
        }
    }

    @Test
    void aHandlerThatAnswersWithoutReadingResetsTheStreamAndTheNextStreamIsServed() throws Exception {
        CompletableFuture<Throwable> bodyFate = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> {
            r.post("/upload", ctx -> {
                ctx.request().bodyStream().readAll(1 << 20).whenComplete((b, e) -> bodyFate.complete(e));
                return Response.status(401).text("who are you?");
            }).streamBody(1L << 20);
            r.get("/ok", ctx -> "ok");
        }); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.nextStreamId();
            h2.headers(id, post("/upload", 100_000), false);
            h2.data(id, new byte[1000], false);

            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.body()).isEqualTo("who are you?");
            assertThat(resetOf(h2, id)).isEqualTo(RawH2.NO_ERROR);
            assertThat(Await.result(bodyFate, WITHIN)).isInstanceOf(CompletionException.class);
            assertThat(h2.answer(h2.send("GET", "/ok")).body()).isEqualTo("ok");
            Await.until("nothing in flight", WITHIN, () -> s.server.stats().inFlight() == 0);
        }
    }

    @Test
    void expectContinueOnAStreamingRouteIsAnsweredWhenTheHandlerFirstAsksForTheBody() throws Exception {
        CompletableFuture<Void> readNow = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> {
            r.post("/upload", ctx -> readNow.thenCompose(v -> ctx.request().bodyStream().readAll(100))
                    .thenApply(b -> new String(b, StandardCharsets.UTF_8))).streamBody(1000);
            r.get("/ok", ctx -> "ok");
        }); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.nextStreamId();
            h2.headers(id, post("/upload", 5).add("expect", "100-continue"), false);
            // a stream opened after it is answered while the handler has not asked: no 100 yet
            int other = h2.send("GET", "/ok");
            assertThat(framesUntilEnd(h2, other)).noneMatch(f -> f.streamId() == id);

            readNow.complete(null);
            RawH2.Frame interim = nextFrameOf(h2, id);
            assertThat(interim.type()).isEqualTo(RawH2.HEADERS);
            assertThat(interim.headers().status().toString()).isEqualTo("100");
            assertThat(interim.endStream()).isFalse();
            h2.data(id, "hello".getBytes(StandardCharsets.US_ASCII), true);
            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo("hello");
        }
    }

    @Test
    void theJdkClientAskingExpectContinueOverH2IsServedOnBothKindsOfRoute() throws Exception {
        try (TestServer s = tls(c -> { }, r -> {
            r.post("/streamed", ctx -> ctx.request().bodyStream().readAll(100).thenApply(b -> "streamed " + new String(b, StandardCharsets.UTF_8)))
                    .streamBody(1000);
            r.post("/aggregated", ctx -> "aggregated " + ctx.request().bodyText());
        }); HttpClient client = h2Client()) {
            // interplay with a real client (which sends the body after its own wait if no 100 comes; the raw tests show the 100)
            for (String path : List.of("/streamed", "/aggregated")) {
                HttpResponse<String> res = client.send(HttpRequest.newBuilder(uri(s, path)).timeout(WITHIN).expectContinue(true)
                        .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(res.body()).isEqualTo(path.substring(1) + " hello");
            }
        }
    }

    @Test
    void expectContinueOnAnAggregatedRouteIsAnsweredAtOnceAndARefusedRequestGetsItsAnswerWithout100() throws Exception {
        try (TestServer s = TestServer.start(c -> c.maxBodySize(1000), r -> {
            r.post("/echo", ctx -> ctx.request().bodyText());
            r.post("/upload", ctx -> ctx.request().bodyStream().discard().thenApply(n -> n + " bytes")).streamBody(10);
        }); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.nextStreamId();
            h2.headers(id, post("/echo", 5).add("expect", "100-continue"), false);
            RawH2.Frame interim = nextFrameOf(h2, id);
            assertThat(interim.headers().status().toString()).isEqualTo("100");
            assertThat(interim.endStream()).isFalse();
            h2.data(id, "hello".getBytes(StandardCharsets.US_ASCII), true);
            assertThat(h2.answer(id).body()).isEqualTo("hello");

            for (Http2Headers refusedHead : List.of(post("/nowhere", 5), post("/echo", 1001), post("/upload", 11))) {
                int refused = h2.nextStreamId();
                h2.headers(refused, refusedHead.add("expect", "100-continue"), false);
                RawH2.Frame first = nextFrameOf(h2, refused);
                assertThat(first.type()).isEqualTo(RawH2.HEADERS);
                assertThat(first.headers().status().toString()).as(refusedHead.path().toString()).isIn("404", "413");
                assertThat(resetOf(h2, refused)).isEqualTo(RawH2.NO_ERROR);
            }
            assertThat(h2.answer(h2.send("POST", "/echo")).status()).isEqualTo(200); // the connection goes on
        }
    }

    @Test
    void aBodyTrickledBelowTheMinimumRateIs408OnStreamingAndAggregatedRoutes() throws Exception {
        try (TestServer s = TestServer.start(c -> c.minRequestBodyRate(1000).bodyRateGrace(Duration.ofMillis(200)), r -> {
            r.post("/streamed", ctx -> ctx.request().bodyStream().readAll(10_000).thenApply(b -> b.length + " bytes")).streamBody(10_000);
            r.post("/aggregated", ctx -> ctx.request().bodyText());
            r.get("/ok", ctx -> "ok");
        }); RawH2 h2 = new RawH2(s.port(), WITHIN)) {
            for (String path : List.of("/streamed", "/aggregated")) {
                int id = h2.nextStreamId();
                h2.headers(id, post(path, 10_000), false);
                h2.data(id, new byte[10], false); // and nothing more

                RawH2.Answer a = h2.answer(id);
                assertThat(a.status()).as(path).isEqualTo(408);
                assertThat(a.body()).contains("slower than 1000 bytes per second");
                assertThat(resetOf(h2, id)).isEqualTo(RawH2.NO_ERROR);
            }
            assertThat(h2.answer(h2.send("GET", "/ok")).body()).isEqualTo("ok"); // only the slow streams end
        }
    }

    // ---- helpers ----

    /** Raw uploads of {@code size} pattern bytes on streams of one connection, keeping to the windows the server grants. */
    private static final class FlowControlledUploads {
        private final RawH2 h2;
        private final long size;
        private final Map<Integer, InputStream> patterns = new LinkedHashMap<>();
        private final Map<Integer, Long> sent = new HashMap<>();
        /** HTTP/2's initial windows, each stream's and the connection's, until the server's WINDOW_UPDATEs. */
        private final Map<Integer, Long> windows = new HashMap<>();
        private long connectionWindow = 65_535;

        FlowControlledUploads(RawH2 h2, long size, int... ids) {
            this.h2 = h2;
            this.size = size;
            for (int id : ids) {
                patterns.put(id, new BodyPattern(size));
                sent.put(id, 0L);
                windows.put(id, 65_535L);
            }
        }

        long sent(int id) {
            return sent.get(id);
        }

        /** Sends until every body is out, or until no window comes for the client's read timeout. */
        void sendWhileTheServerGrantsWindow() throws IOException {
            while (sent.values().stream().anyMatch(n -> n < size)) {
                boolean any = false;
                for (int id : patterns.keySet()) {
                    long done = sent.get(id);
                    int n = (int) Math.min(Math.min(16_384, size - done), Math.min(windows.get(id), connectionWindow));
                    if (n > 0) {
                        h2.data(id, patterns.get(id).readNBytes(n), done + n == size);
                        sent.put(id, done + n);
                        windows.merge(id, (long) -n, Long::sum);
                        connectionWindow -= n;
                        any = true;
                    }
                }
                if (!any && !windowCame()) {
                    return;
                }
            }
        }

        /** Reads the next frame: false when none came within the read timeout. */
        private boolean windowCame() throws IOException {
            RawH2.Frame f;
            try {
                f = h2.read();
            } catch (SocketTimeoutException stalled) {
                return false;
            }
            assertThat(f).as("the connection stays open").isNotNull();
            if (f.type() == RawH2.WINDOW_UPDATE) {
                long increment = ByteBuffer.wrap(f.payload()).getInt() & 0x7fffffff;
                if (f.streamId() == 0) {
                    connectionWindow += increment;
                } else {
                    windows.computeIfPresent(f.streamId(), (id, w) -> w + increment);
                }
            }
            return true;
        }
    }

    private static TestServer tls(Consumer<ServerConfig.Builder> config, Consumer<Routing> routes) {
        return TestServer.start(c -> {
            c.tls(TlsFixtures.pem("a").build());
            config.accept(c);
        }, routes);
    }

    private static HttpClient h2Client() {
        return HttpClient.newBuilder().sslContext(TlsFixtures.client(false)).version(HttpClient.Version.HTTP_2).build();
    }

    private static URI uri(TestServer s, String path) {
        return URI.create("https://localhost:" + s.port() + path);
    }

    private static HttpRequest upload(TestServer s, String path, InputStream body, long size) {
        return HttpRequest.newBuilder(uri(s, path)).timeout(WITHIN)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), size)).build();
    }

    /** {@code in}, counting the bytes the client has taken from it into {@code read}. */
    private static InputStream counting(InputStream in, AtomicLong read) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    read.addAndGet(n);
                }
                return n;
            }
        };
    }

    private static Http2Headers post(String path, long contentLength) {
        return RawH2.request("POST", path).add("content-length", Long.toString(contentLength));
    }

    /** The frames read until stream {@code id} ends (whatever stream they are on). */
    private static List<RawH2.Frame> framesUntilEnd(RawH2 h2, int id) throws IOException {
        List<RawH2.Frame> frames = new ArrayList<>();
        RawH2.Frame f;
        do {
            f = h2.read();
            assertThat(f).as("a frame before the connection closed").isNotNull();
            frames.add(f);
        } while (f.streamId() != id || !f.endStream() && f.type() != RawH2.RST_STREAM);
        return frames;
    }

    /** The next frame on stream {@code id} (those of other streams and the connection are skipped). */
    private static RawH2.Frame nextFrameOf(RawH2 h2, int id) throws IOException {
        RawH2.Frame f;
        do {
            f = h2.read();
            assertThat(f).as("a frame before the connection closed").isNotNull();
        } while (f.streamId() != id);
        return f;
    }

    /** The code of the RST_STREAM that ends stream {@code id}, after the answer already read. */
    private static int resetOf(RawH2 h2, int id) throws IOException {
        RawH2.Frame f;
        do {
            f = nextFrameOf(h2, id);
        } while (f.type() != RawH2.RST_STREAM);
        return f.errorCode();
    }
}
