package dev.baton.server;

import static dev.baton.support.BodyPattern.crc;
import static dev.baton.support.BodyPattern.crcOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.context.CancellationReason;
import dev.baton.http.HttpException;
import dev.baton.http.RequestBody;
import dev.baton.http.Response;
import dev.baton.internal.body.RequestBodyStream;
import dev.baton.support.BodyPattern;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamedRequestBodyTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    /**
     * What a streamed body may hold for its reader: the high-water mark, plus the read that crossed
     * it and one more when something else on the connection turned reading on (64 KiB reads).
     */
    private static final long HELD_BOUND = RequestBodyStream.HIGH_WATER + 2 * 64 * 1024;

    @Test
    void aTwoHundredMegabyteUploadGoesToAFileThroughBoundedMemory(@TempDir Path dir) throws Exception {
        long size = 200L << 20;
        Path file = dir.resolve("upload.bin");
        AtomicReference<RequestBodyStream> seen = new AtomicReference<>();
        // the server's aggregate limit is 1 MB: only streaming lets 200 MB through
        try (TestServer s = TestServer.start(c -> c.maxBodySize(1 << 20), r -> r.post("/upload", ctx -> {
            RequestBodyStream body = (RequestBodyStream) ctx.request().bodyStream();
            seen.set(body);
            return body.transferTo(file).thenApply(n -> n + " " + body.contentLength());
        }).streamBody(1L << 30))) {
            HttpRequest req = s.request("/upload").version(HttpClient.Version.HTTP_1_1)
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new BodyPattern(size)), size))
                    .build();
            HttpResponse<String> res = s.send(req);

            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(size + " " + size);
            assertThat(Files.size(file)).isEqualTo(size);
            assertThat(crcOf(Files.newInputStream(file))).isEqualTo(crcOf(new BodyPattern(size)));
            assertThat(seen.get().peakHeldBytes()).isPositive().isLessThanOrEqualTo(HELD_BOUND);
        }
    }

    @Test
    void aReaderThatAsksForNothingStopsTheClientUntilItReads() throws Exception {
        long size = 64L << 20;
        AtomicReference<RequestBodyStream> seen = new AtomicReference<>();
        CompletableFuture<Void> readNow = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.post("/slow", ctx -> {
            RequestBodyStream body = (RequestBodyStream) ctx.request().bodyStream();
            seen.set(body);
            return readNow.thenCompose(v -> crc(body));
        }).streamBody(size)); RawHttp raw = new RawHttp(s.port(), WITHIN)) {
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> upload = upload(raw, post("/slow", size), size, sent);

            Await.until("the server stops reading", WITHIN, () -> seen.get() != null && seen.get().isPaused());
            // the server holds a bounded amount and the client cannot finish: its writes are stalled
            Await.during("the client stays stalled", Duration.ofMillis(300), () -> !upload.isDone());
            assertThat(sent.get()).isLessThan(size);
            assertThat(seen.get().peakHeldBytes()).isLessThanOrEqualTo(HELD_BOUND);

            readNow.complete(null);
            Await.result(upload, WITHIN);
            String response = raw.readResponse();
            assertThat(response).startsWith("HTTP/1.1 200").endsWith(size + " " + crcOf(new BodyPattern(size)));
            assertThat(seen.get().peakHeldBytes()).isLessThanOrEqualTo(HELD_BOUND);
        }
    }

    @Test
    void aStreamedUploadQueuedBehindASlowRequestStillHoldsABoundedAmount() throws Exception {
        long size = 32L << 20; // more than the sockets' buffers hold
        AtomicReference<RequestBodyStream> seen = new AtomicReference<>();
        CompletableFuture<String> slow = new CompletableFuture<>();
        CompletableFuture<Void> readNow = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> {
            r.get("/slow", ctx -> slow);
            r.post("/upload", ctx -> {
                RequestBodyStream body = (RequestBodyStream) ctx.request().bodyStream();
                seen.set(body);
                return readNow.thenCompose(v -> crc(body));
            }).streamBody(size);
        }); RawHttp raw = new RawHttp(s.port(), WITHIN)) {
            CompletableFuture<Void> upload = upload(raw, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                    + post("/upload", size), size, new AtomicLong());
            slow.complete("slow");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("slow");
            // starting the upload takes it off the pipelined queue, which turns reading back on
            Await.until("the server stops reading", WITHIN, () -> seen.get() != null && seen.get().isPaused());
            Await.during("the client stays stalled", Duration.ofMillis(300), () -> !upload.isDone());
            assertThat(seen.get().peakHeldBytes()).isLessThanOrEqualTo(HELD_BOUND);

            readNow.complete(null);
            Await.result(upload, WITHIN);
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith(size + " " + crcOf(new BodyPattern(size)));
        }
    }

    @Test
    void theRequestTimeoutStillAppliesToAStreamingRoute() throws Exception {
        CompletableFuture<Throwable> bodyFailure = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.post("/upload", ctx -> {
            CompletionStage<String> read = crc(ctx.request().bodyStream());
            read.whenComplete((n, e) -> bodyFailure.complete(e));
            return read.thenApply(crc -> crc);
        }).streamBody(100L << 20).timeout(Duration.ofMillis(300))); RawHttp raw = new RawHttp(s.port(), WITHIN)) {
            var result = raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
                    .send(new byte[1000]).readUntilClosed();

            assertThat(result.status()).isEqualTo(504);
            assertThat(result.text()).containsIgnoringCase("connection: close");
            assertThat(result.closed()).isTrue();
            assertThat(Await.result(bodyFailure, WITHIN)).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void timeTheReaderHoldsTheConnectionStillIsNotTheClientsSlowness() throws Exception {
        long size = 32L << 20; // more than the sockets' buffers hold
        AtomicReference<RequestBodyStream> seen = new AtomicReference<>();
        CompletableFuture<Void> readNow = new CompletableFuture<>();
        // a client must average 1 MB/s after 100 ms; this one is held back by the reader for longer
        try (TestServer s = TestServer.start(c -> c.minRequestBodyRate(1_000_000).bodyRateGrace(Duration.ofMillis(100)),
                r -> r.post("/held", ctx -> {
                    RequestBodyStream body = (RequestBodyStream) ctx.request().bodyStream();
                    seen.set(body);
                    return readNow.thenCompose(v -> crc(body));
                }).streamBody(size)); RawHttp raw = new RawHttp(s.port(), WITHIN)) {
            CompletableFuture<Void> upload = upload(raw, post("/held", size), size, new AtomicLong());
            Await.until("the server stops reading", WITHIN, () -> seen.get() != null && seen.get().isPaused());
            Await.during("the reader holds on", Duration.ofMillis(500), () -> !upload.isDone());

            readNow.complete(null);
            Await.result(upload, WITHIN);
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith(size + " " + crcOf(new BodyPattern(size)));
        }
    }

    @Test
    void aClientLeavingMidUploadFailsTheStreamAndFiresTheToken() throws Exception {
        CompletableFuture<CancellationReason> cancelled = new CompletableFuture<>();
        CompletableFuture<Throwable> bodyFailure = new CompletableFuture<>();
        CompletableFuture<Void> reading = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.post("/upload", ctx -> {
            ctx.cancellation().onCancel(cancelled::complete);
            CompletionStage<String> read = crc(ctx.request().bodyStream());
            read.whenComplete((n, e) -> bodyFailure.complete(e));
            reading.complete(null);
            // a stage of its own: the one returned is cancelled when the client leaves
            return read.thenApply(crc -> crc);
        }).streamBody(100L << 20))) {
            RawHttp raw = new RawHttp(s.port());
            raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n").send(new byte[100_000]);
            Await.result(reading, WITHIN);
            raw.close();

            assertThat(Await.result(cancelled, WITHIN)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            assertThat(Await.result(bodyFailure, WITHIN)).isInstanceOf(IOException.class)
                    .hasMessageContaining("closed the connection before the request body ended");
        }
    }

    @Test
    void aDeclaredLengthOverTheRoutesLimitIs413BeforeTheHandlerRuns() throws Exception {
        AtomicLong runs = new AtomicLong();
        try (TestServer s = TestServer.start(r -> r.post("/upload", ctx -> {
            runs.incrementAndGet();
            return ctx.request().bodyStream().discard();
        }).streamBody(1000)); RawHttp raw = new RawHttp(s.port())) {
            var result = raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n").readUntilClosed();

            assertThat(result.status()).isEqualTo(413);
            assertThat(result.text()).contains("application/problem+json").contains("larger than 1000 bytes");
            assertThat(result.closed()).isTrue();
            assertThat(runs.get()).isZero();
        }
    }

    @Test
    void aChunkedBodyGrowingPastTheRoutesLimitFailsTheStreamWith413AndCloses() throws Exception {
        CompletableFuture<Throwable> bodyFailure = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.post("/upload", ctx -> ctx.request().bodyStream().readAll(1 << 20)
                .whenComplete((b, e) -> bodyFailure.complete(e))).streamBody(1000)); RawHttp raw = new RawHttp(s.port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "258\r\n" + "a".repeat(600) + "\r\n" + "258\r\n" + "b".repeat(600) + "\r\n0\r\n\r\n");
            var result = raw.readUntilClosed();

            assertThat(result.status()).isEqualTo(413);
            assertThat(result.text()).contains("application/problem+json").contains("larger than 1000 bytes");
            assertThat(result.closed()).isTrue();
            assertThat(Await.result(bodyFailure, WITHIN)).isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(HttpException.class).hasMessageContaining("larger than 1000 bytes");
        }
    }

    @Test
    void aChunkedUploadArrivesWholeAndTheNextPipelinedRequestIsAnsweredAfterIt() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.post("/upload", ctx -> crc(ctx.request().bodyStream())).streamBody(10L << 20);
            r.get("/hello", ctx -> "hello");
        }); RawHttp raw = new RawHttp(s.port())) {
            byte[] data = new BodyPattern(300_000).readAllBytes();
            StringBuilder chunked = new StringBuilder("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int off = 0; off < data.length; off += 70_000) {
                int n = Math.min(70_000, data.length - off);
                chunked.append(Integer.toHexString(n)).append("\r\n")
                        .append(new String(data, off, n, StandardCharsets.ISO_8859_1)).append("\r\n");
            }
            chunked.append("0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            raw.send(chunked.toString());

            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith(data.length + " " + crcOf(new BodyPattern(data.length)));
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("hello");
        }
    }

    @Test
    void aHandlerThatIgnoresASmallBodyKeepsTheConnectionAndThePipelinedRequestAfterIt() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.post("/ignore", ctx -> "ignored").streamBody(10L << 20);
            r.get("/hello", ctx -> "hello");
        }); RawHttp raw = new RawHttp(s.port())) {
            raw.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
                    .send(new byte[100_000]).send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");

            String first = raw.readResponse();
            assertThat(first).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close").endsWith("ignored");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("hello");
        }
    }

    @Test
    void aHandlerThatIgnoresALargeBodyAnswersAndClosesTheConnection() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/ignore", ctx -> "ignored").streamBody(1L << 30));
             RawHttp raw = new RawHttp(s.port())) {
            raw.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n").send(new byte[100_000]);
            var result = raw.readUntilClosed();

            assertThat(result.status()).isEqualTo(200);
            assertThat(result.text()).containsIgnoringCase("connection: close").endsWith("ignored");
            assertThat(result.closed()).isTrue();
        }
    }

    @Test
    void aStreamedAnswerCanBeMadeOfTheBodyAsItArrives() throws Exception {
        long size = 8L << 20;
        try (TestServer s = TestServer.start(r -> {
            r.post("/echo", ctx -> Response.ok().stream("application/octet-stream", sink -> {
                try (InputStream in = ctx.request().bodyStream().asInputStream()) {
                    byte[] buf = new byte[32 * 1024];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        sink.write(java.util.Arrays.copyOf(buf, n)).toCompletableFuture().join();
                    }
                }
                sink.close();
            })).streamBody(size);
            r.get("/hello", ctx -> "hello");
        }); RawHttp raw = new RawHttp(s.port(), WITHIN)) {
            // the client reads while it sends: more than the sockets buffer goes both ways at once
            CompletableFuture<Void> upload = upload(raw, post("/echo", size), size, new AtomicLong());
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").contains("transfer-encoding: chunked");
            CRC32 crc = new CRC32();
            long echoed = 0;
            String chunk;
            while (!(chunk = raw.readChunk()).isEmpty()) {
                byte[] bytes = chunk.getBytes(StandardCharsets.ISO_8859_1);
                crc.update(bytes);
                echoed += bytes.length;
            }
            Await.result(upload, WITHIN);

            assertThat(echoed).isEqualTo(size);
            assertThat(crc.getValue()).isEqualTo(crcOf(new BodyPattern(size)));
            raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse()).as("the connection goes on").startsWith("HTTP/1.1 200").endsWith("hello");
        }
    }

    @Test
    void anIgnoredChunkedBodyIsDrainedOnlyUpToItsBoundThenTheConnectionCloses() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/ignore", ctx -> "ignored").streamBody(1L << 30));
             RawHttp raw = new RawHttp(s.port(), WITHIN)) {
            raw.send("POST /ignore HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("ignored");
            // a chunked remainder has no known length: it is read until the drain bound (256 KiB), then
            // the server hangs up; 2 MB more, never ended, would keep a draining connection open
            String chunk = "10000\r\n" + "x".repeat(0x10000) + "\r\n";
            try {
                for (int i = 0; i < 32; i++) {
                    raw.send(chunk);
                }
            } catch (IOException closed) {
                // the server closed while the client was sending: what this test expects
            }
            var rest = raw.readUntilClosed();
            assertThat(rest.closed()).isTrue();
            assertThat(rest.text()).as("nothing more is answered").isEmpty();
        }
    }

    @Test
    void aMalformedChunkFailsTheStreamWith400() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/upload", ctx -> ctx.request().bodyStream().readAll(1000)).streamBody(1000));
             RawHttp raw = new RawHttp(s.port())) {
            var result = raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
                    .readUntilClosed();

            assertThat(result.status()).isEqualTo(400);
            assertThat(result.text()).contains("application/problem+json").contains("chunk");
            assertThat(result.closed()).isTrue();
        }
    }

    @Test
    void aVirtualThreadReadsTheBodyAsAnInputStream() throws Exception {
        long size = 20L << 20;
        try (TestServer s = TestServer.start(r -> r.put("/blocking", ctx -> {
            try (InputStream in = ctx.request().bodyStream().asInputStream()) {
                return size(in) + " " + Thread.currentThread().isVirtual();
            }
        }).streamBody(size).execution(ExecutionModel.VIRTUAL))) {
            // no length: the JDK client sends it chunked
            HttpRequest req = s.request("/blocking").version(HttpClient.Version.HTTP_1_1)
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new BodyPattern(size))).build();
            HttpResponse<String> res = s.send(req);

            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(size + " true");
        }
    }

    @Test
    void readingTheBodyAsAnInputStreamOnTheEventLoopIsRefused() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (TestServer s = TestServer.start(r -> r.post("/loop", ctx -> {
            try {
                return ctx.request().bodyStream().asInputStream().read();
            } catch (RuntimeException e) {
                thrown.set(e);
                throw e;
            }
        }).streamBody(1000).execution(ExecutionModel.EVENT_LOOP))) {
            var res = s.send(s.request("/loop").POST(HttpRequest.BodyPublishers.ofString("data")).build());

            assertThat(res.statusCode()).isEqualTo(500);
            assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("event loop thread");
        }
    }

    @Test
    void expectContinueIsAnsweredWhenTheHandlerFirstAsksForTheBody() throws Exception {
        CompletableFuture<Void> readNow = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.post("/upload", ctx -> readNow.thenCompose(v -> ctx.request().bodyStream().readAll(100))
                .thenApply(b -> new String(b, StandardCharsets.UTF_8))).streamBody(1000)); RawHttp raw = new RawHttp(s.port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.socket().getInputStream().available()).isZero();
            readNow.complete(null);

            assertThat(raw.readResponse()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            raw.send("hello");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("hello");
        }
    }

    @Test
    void aHandlerThatAnswersAnExpectContinueWithoutReadingSendsNo100AndCloses() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/upload", ctx -> Response.status(401).text("who are you?")).streamBody(1000));
             RawHttp raw = new RawHttp(s.port())) {
            var result = raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n").readUntilClosed();

            assertThat(result.text()).startsWith("HTTP/1.1 401").doesNotContain("100 Continue").endsWith("who are you?");
            assertThat(result.closed()).isTrue();
        }
    }

    @Test
    void aBodyThatStopsArrivingIs408() throws Exception {
        try (TestServer s = TestServer.start(c -> c.idleTimeout(Duration.ofMillis(500)),
                r -> r.post("/upload", ctx -> ctx.request().bodyStream().readAll(1000)).streamBody(1000));
             RawHttp raw = new RawHttp(s.port(), WITHIN)) {
            var result = raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789").readUntilClosed();

            assertThat(result.status()).isEqualTo(408);
            assertThat(result.text()).contains("stopped arriving");
            assertThat(result.closed()).isTrue();
        }
    }

    @Test
    void theAggregatedBodyOfAStreamingRouteIsAClearErrorAndOtherRoutesCanStreamTheirs() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.post("/streamed", ctx -> ctx.request().bodyText()).streamBody(1000);
            r.post("/aggregated", ctx -> ctx.request().bodyStream().readAll(100).thenApply(b -> b.length + " bytes"));
        })) {
            var streamed = s.send(s.request("/streamed").POST(HttpRequest.BodyPublishers.ofString("data")).build());
            var aggregated = s.send(s.request("/aggregated").POST(HttpRequest.BodyPublishers.ofString("data")).build());

            assertThat(streamed.statusCode()).isEqualTo(500);
            assertThat(aggregated.statusCode()).isEqualTo(200);
            assertThat(aggregated.body()).isEqualTo("4 bytes");
        }
    }

    @Test
    void aBodyHasOneReader() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/twice", ctx -> {
            RequestBody body = ctx.request().bodyStream();
            body.discard();
            return body.discard().handle((n, e) -> e.getMessage());
        }).streamBody(1000))) {
            var res = s.send(s.request("/twice").POST(HttpRequest.BodyPublishers.ofString("data")).build());

            assertThat(res.body()).contains("one reader");
        }
    }

    /** The head of a POST with a body of {@code length} bytes. */
    private static String post(String path, long length) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n";
    }

    /** Sends {@code head} and {@code size} pattern bytes on a thread of its own, counting what the socket took. */
    private static CompletableFuture<Void> upload(RawHttp raw, String head, long size, AtomicLong sent) {
        return CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = raw.socket().getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                InputStream pattern = new BodyPattern(size);
                byte[] piece = new byte[64 * 1024];
                int n;
                while ((n = pattern.read(piece)) > 0) {
                    out.write(piece, 0, n);
                    sent.addAndGet(n);
                }
                out.flush();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static long size(InputStream in) throws IOException {
        long total = 0;
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
        }
        return total;
    }
}
