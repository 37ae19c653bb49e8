package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.http.EventStream;
import dev.baton.http.Response;
import dev.baton.http.SseEvent;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StreamingTest {

    @Test
    void aStreamedBodyIsSentChunkedPieceByPiece() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/stream", ctx -> Response.ok().stream("text/plain", sink ->
                sink.write("one,").thenCompose(v -> sink.write("two,")).thenCompose(v -> sink.write("three"))
                        .whenComplete((v, e) -> sink.close()))))) {
            var res = s.get("/stream");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo("one,two,three");
            try (RawHttp raw = new RawHttp(s.port())) {
                var text = raw.send("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed().text();
                assertThat(text).contains("transfer-encoding: chunked").contains("4\r\none,\r\n").endsWith("0\r\n\r\n");
            }
            try (RawHttp raw = new RawHttp(s.port())) {
                var result = raw.send("GET /stream HTTP/1.0\r\n\r\n").readUntilClosed();
                assertThat(result.closed()).isTrue();
                assertThat(result.text()).doesNotContain("chunked").endsWith("one,two,three");
            }
        }
    }

    @Test
    void headOfAStreamedRouteSendsTheHeadOnlyAndKeepsTheConnection() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/stream", ctx -> Response.ok().stream("text/plain", sink ->
                sink.write("never sent for HEAD").whenComplete((v, e) -> sink.close()))))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n");
                String head = raw.readResponse();
                assertThat(head).startsWith("HTTP/1.1 200").contains("transfer-encoding: chunked").endsWith("\r\n\r\n")
                        .doesNotContain("never sent");
                raw.send("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertThat(raw.readUntilClosed().text()).contains("never sent for HEAD").endsWith("0\r\n\r\n");
            }
        }
    }

    @Test
    void headOfAStreamedRouteOnHttp10KeepAliveAnswersThePipelinedRequestBehindIt() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/stream", ctx -> Response.ok().stream("text/plain", sink -> sink.write("body").whenComplete((v, e) -> sink.close())));
            r.get("/hi", ctx -> "hi");
        })) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("HEAD /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                        + "GET /hi HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").contains("connection: keep-alive")
                        .doesNotContain("close", "chunked").endsWith("\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nhi");
                raw.send("GET /hi HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"); // and the connection is still open
                assertThat(raw.readResponse()).endsWith("hi");
            }
        }
    }

    @Test
    void aStreamedResponseWhoseStatusAllowsNoContentIsItsHeadAlone() throws Exception {
        List<String> producersRun = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TestServer s = TestServer.start(r -> {
            r.get("/status/{code}", ctx -> {
                int code = ctx.request().path("code").asInt();
                return Response.status(code).stream("text/plain", sink -> {
                    producersRun.add("" + code);
                    sink.write("must not be sent").whenComplete((v, e) -> sink.close());
                });
            });
            r.get("/hi", ctx -> "hi");
        })) {
            try (RawHttp raw = new RawHttp(s.port())) {
                for (String code : List.of("204", "304", "205")) {
                    raw.send("GET /status/" + code + " HTTP/1.1\r\nHost: x\r\n\r\nGET /hi HTTP/1.1\r\nHost: x\r\n\r\n");
                    String head = raw.readResponse();
                    assertThat(head).startsWith("HTTP/1.1 " + code).doesNotContain("transfer-encoding", "content-type")
                            .endsWith("\r\n\r\n");
                    if (code.equals("205")) {
                        assertThat(head).contains("\r\ncontent-length: 0\r\n");
                    } else {
                        assertThat(head).doesNotContain("content-length");
                    }
                    // the next response follows at once: no body or chunk of the first one in between
                    assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nhi");
                }
            }
            assertThat(producersRun).isEmpty();
        }
    }

    @Test
    void a205ResetContentNeverCarriesABody() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/reset", ctx -> Response.status(205).text("ignored"));
            r.get("/hi", ctx -> "hi");
        })) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /reset HTTP/1.1\r\nHost: x\r\n\r\nGET /hi HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 205").contains("\r\ncontent-length: 0\r\n")
                        .doesNotContain("ignored", "content-type").endsWith("\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("hi");
            }
        }
    }

    @Test
    void aStreamClosedWhileWritesRaceItNeverSendsBytesAfterItsLastChunk() throws Exception {
        // many writers race close(): whatever they manage to send must come before the last chunk,
        // so the next response on the connection starts cleanly
        try (TestServer s = TestServer.start(r -> {
            r.get("/race", ctx -> Response.ok().stream("text/plain", sink -> {
                var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
                for (int i = 0; i < 4; i++) {
                    pool.execute(() -> {
                        for (int j = 0; j < 200; j++) {
                            sink.write("x");
                        }
                    });
                }
                pool.execute(sink::close);
                pool.shutdown();
            }));
            r.get("/hi", ctx -> "hi");
        })) {
            try (RawHttp raw = new RawHttp(s.port())) {
                for (int round = 0; round < 20; round++) {
                    raw.send("GET /race HTTP/1.1\r\nHost: x\r\n\r\nGET /hi HTTP/1.1\r\nHost: x\r\n\r\n");
                    String head = raw.readResponse();
                    assertThat(head).startsWith("HTTP/1.1 200").contains("transfer-encoding: chunked");
                    StringBuilder body = new StringBuilder();
                    String chunk;
                    while (!(chunk = raw.readChunk()).isEmpty()) {
                        body.append(chunk);
                    }
                    assertThat(body.toString()).matches("x*");
                    assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nhi");
                }
            }
        }
    }

    /** A slow GET to pipeline an upload behind. */
    private static TestServer slowThenUpload(CompletableFuture<String> slow) {
        return TestServer.start(r -> {
            r.get("/slow", ctx -> slow);
            r.post("/upload", ctx -> "got " + ctx.request().body().length);
        });
    }

    @Test
    void a100ContinueForAPipelinedRequestWaitsForTheResponseBeforeIt() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        try (TestServer s = slowThenUpload(slow)) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
                Await.until("the slow request in flight", Duration.ofSeconds(5),
                        () -> s.server.stats().inFlight() == 1);
                slow.complete("slow done");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("slow done");
                assertThat(raw.readResponse()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
                raw.send("abc");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("got 3");
            }
        }
    }

    /** A client that sent its body without waiting gets no 100 at all: one after the final response would be unsolicited. */
    @Test
    void a100ContinueHeldForAPipelinedRequestIsDroppedOnceItsBodyHasArrived() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        try (TestServer s = slowThenUpload(slow)) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc"
                        + "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                Await.until("the slow request in flight", Duration.ofSeconds(5),
                        () -> s.server.stats().inFlight() == 1);
                slow.complete("slow done");
                RawHttp.Result all = raw.readUntilClosed();
                assertThat(all.text()).doesNotContain("100 Continue").contains("got 3");
                assertThat(all.responses()).isEqualTo(3);
            }
        }
    }

    @Test
    void chunkedRequestBodiesAreReassembled() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/echo", ctx -> ctx.request().bodyText()))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
                assertThat(raw.readResponse()).endsWith("hello world");
            }
        }
    }

    @Test
    void serverSentEventsArriveInOrderWithHeartbeats() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/events", ctx -> EventStream.of(emitter -> {
            CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= 3; i++) {
                    emitter.send(SseEvent.of("tick " + i).withId(String.valueOf(i)).withEvent("tick")).toCompletableFuture().join();
                }
                CompletableFuture.delayedExecutor(250, TimeUnit.MILLISECONDS).execute(emitter::close);
            });
        }, Duration.ofMillis(50))))) {
            HttpResponse<java.util.stream.Stream<String>> res = s.client.send(s.request("/events").build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(res.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
            List<String> lines = res.body().toList();
            assertThat(lines).containsSubsequence("id: 1", "event: tick", "data: tick 1", "data: tick 2", "data: tick 3");
            assertThat(lines).contains(":");
        }
    }

    @Test
    void anEventStreamIsCleanedUpWhenTheClientDisconnects() throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.get("/forever", ctx -> EventStream.of(emitter -> {
            emitter.onClose(() -> closed.complete(null));
            emitter.send("hello").thenRun(() -> opened.complete(null));
        })))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
                BufferedReader reader = new BufferedReader(new InputStreamReader(raw.socket().getInputStream(), StandardCharsets.UTF_8));
                List<String> seen = new ArrayList<>();
                String line;
                while ((line = reader.readLine()) != null && !line.contains("data: hello")) {
                    seen.add(line);
                }
                assertThat(line).contains("data: hello");
                opened.get(5, TimeUnit.SECONDS);
            }
            closed.get(5, TimeUnit.SECONDS);
            Await.until("stream finished", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 0);
        }
    }

    @Test
    void aStreamTheClientResetsFiresClientDisconnectAndOneThatEndsFiresNothing() throws Exception {
        CompletableFuture<dev.baton.context.CancellationReason> cutReason = new CompletableFuture<>();
        CompletableFuture<dev.baton.context.CancellationReason> endedReason = new CompletableFuture<>();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> {
            r.get("/forever", ctx -> {
                ctx.cancellation().onCancel(cutReason::complete);
                return EventStream.of(emitter -> emitter.send("hello").thenRun(() -> opened.complete(null)));
            });
            r.get("/short", ctx -> {
                ctx.cancellation().onCancel(endedReason::complete);
                return EventStream.of(emitter -> emitter.send("only").thenRun(emitter::close));
            });
        })) {
            assertThat(s.get("/short").body()).contains("data: only");
            Await.until("short stream finished", Duration.ofSeconds(5),
                    () -> s.server.stats().inFlight() == 0);
            assertThat(endedReason).isNotDone();

            RawHttp raw = new RawHttp(s.port());
            raw.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
            opened.get(5, TimeUnit.SECONDS);
            raw.socket().setSoLinger(true, 0); // close with a TCP RST, not a FIN
            raw.close();
            assertThat(cutReason.get(5, TimeUnit.SECONDS)).isEqualTo(dev.baton.context.CancellationReason.CLIENT_DISCONNECT);
            Await.until("reset counted", Duration.ofSeconds(5),
                    () -> s.server.stats().clientDisconnects() == 1);
            assertThat(endedReason).isNotDone();
        }
    }

    @Test
    void aProducerThatFailsBeforeWritingGetsItsErrorStatusAndTheConnectionGoesOn() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/broken", ctx -> Response.ok().stream("text/plain", sink -> {
                throw new IllegalStateException("secret failure");
            }));
            r.get("/missing", ctx -> Response.ok().stream("text/plain", sink -> {
                throw new dev.baton.http.HttpException(404, "no such report");
            }));
            r.get("/fine", ctx -> "fine");
        }); RawHttp raw = new RawHttp(s.port())) {
            String broken = raw.send("GET /broken HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(broken).startsWith("HTTP/1.1 500 ").contains("application/problem+json")
                    .doesNotContain("secret", "transfer-encoding");
            assertThat(raw.send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 404 ").contains("no such report");
            assertThat(raw.send("GET /fine HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).endsWith("fine");
            // recorded before the answer leaves: a failed stream is one request, and an error if a 5xx
            var routes = s.server.stats().routes();
            assertThat(routes.get("GET /broken").count()).isEqualTo(1);
            assertThat(routes.get("GET /broken").errors()).isEqualTo(1);
            assertThat(routes.get("GET /missing").count()).isEqualTo(1);
            assertThat(routes.get("GET /missing").errors()).isZero();
        }
    }

    @Test
    void expectContinueGetsA100BeforeTheBody() throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/upload", ctx -> ctx.request().body().length))) {
            var res = s.send(s.request("/upload").expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000))).build());
            assertThat(res.body()).isEqualTo("5000");
        }
    }
}
