package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.http.EventStream;
import dev.baton.http.Response;
import dev.baton.http.SseEvent;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
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
            dev.baton.support.Await.until("stream finished", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 0);
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
