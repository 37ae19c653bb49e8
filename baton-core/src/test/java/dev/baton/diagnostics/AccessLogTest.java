package dev.baton.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.http.Response;
import dev.baton.testing.await.Await;
import dev.baton.support.LogCapture;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    static final String LOGGER = "dev.baton.access";
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final Pattern LINE = Pattern.compile(
            "(\\S+) (\\S+) (\\d{3}) bytes=(\\d+) ms=(\\d+\\.\\d{3}) hold_ms=(\\d+\\.\\d{3}|-) route=(\\S+) trace=(\\S+)");

    static Matcher parse(String line) {
        Matcher m = LINE.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        return m;
    }

    static TestServer server(boolean accessLog) {
        return TestServer.start(c -> c.accessLog(accessLog), r -> {
            r.get("/gizmos/{id}", ctx -> "gizmo " + ctx.request().path("id").asString());
            r.get("/later", ctx -> CompletableFuture.supplyAsync(() -> "later",
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)));
            r.get("/loop", ctx -> "loop").execution(ExecutionModel.EVENT_LOOP);
        });
    }

    @Test
    void theAccessLogIsOffByDefault() throws Exception {
        try (LogCapture log = LogCapture.start(); TestServer s = TestServer.start(r -> r.get("/quiet", ctx -> "quiet"))) {
            assertThat(s.get("/quiet").body()).isEqualTo("quiet");
            assertThat(s.get("/nowhere").statusCode()).isEqualTo(404);
            // the line would have been written before the response left: none now means none
            assertThat(log.of(LOGGER)).isEmpty();
            assertThat(s.server.config().accessLog()).isFalse();
        }
    }

    @Test
    void aRequestIsLoggedOnceWithItsRoutedPathStatusBytesTimesAndTraceButNotItsQuery() throws Exception {
        try (LogCapture log = LogCapture.start(); TestServer s = server(true); RawHttp raw = new RawHttp(s.port())) {
            String response = raw.send("GET /gizmos/42?access_token=hunter2 HTTP/1.1\r\nHost: x\r\ntraceparent: 00-" + TRACE
                    + "-00f067aa0ba902b7-01\r\nAuthorization: Bearer hunter3\r\n\r\n").readResponse();
            assertThat(response).endsWith("gizmo 42");
            String line = log.await(LOGGER, "/gizmos/42", Duration.ofSeconds(5));
            Matcher m = parse(line);
            assertThat(m.group(1)).isEqualTo("GET");
            assertThat(m.group(2)).isEqualTo("/gizmos/42");
            assertThat(m.group(3)).isEqualTo("200");
            assertThat(Long.parseLong(m.group(4))).isEqualTo(response.getBytes(StandardCharsets.ISO_8859_1).length);
            assertThat(m.group(7)).isEqualTo("/gizmos/{id}");
            assertThat(m.group(8)).isEqualTo(TRACE);
            assertThat(line).doesNotContain("hunter", "access_token", "Bearer");
            assertThat(log.messages(LOGGER, "/gizmos/42")).hasSize(1);
        }
    }

    @Test
    void anAsyncRequestShowsItsWholeTimeAndTheLittleTimeItHeldAThread() throws Exception {
        try (LogCapture log = LogCapture.start(); TestServer s = server(true)) {
            assertThat(s.get("/later").body()).isEqualTo("later");
            Matcher m = parse(log.await(LOGGER, "/later", Duration.ofSeconds(5)));
            double total = Double.parseDouble(m.group(5));
            double hold = Double.parseDouble(m.group(6));
            assertThat(total).isGreaterThanOrEqualTo(300);
            assertThat(hold).isLessThan(total / 2);
            assertThat(m.group(8)).isEqualTo("-");
        }
    }

    @Test
    void aStreamedResponseIsLoggedWhenItsBodyEndsWithAllItsBytes() throws Exception {
        CompletableFuture<Void> finish = new CompletableFuture<>();
        try (LogCapture log = LogCapture.start();
             TestServer s = TestServer.start(c -> c.accessLog(true), r -> r.get("/stream", ctx -> Response.ok().stream("text/plain",
                     sink -> sink.write("first,").thenCompose(v -> finish).thenCompose(v -> sink.write("last"))
                             .whenComplete((v, e) -> sink.close()))));
             RawHttp raw = new RawHttp(s.port())) {
            raw.send("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            byte[] head = readUntil(raw, "first,\r\n");
            // head and first chunk are out, the body is not done: no line yet
            assertThat(log.of(LOGGER)).isEmpty();
            finish.complete(null);
            RawHttp.Result rest = raw.readUntilClosed();
            assertThat(rest.text()).endsWith("0\r\n\r\n");
            Matcher m = parse(log.await(LOGGER, "/stream", Duration.ofSeconds(5)));
            assertThat(m.group(3)).isEqualTo("200");
            assertThat(Long.parseLong(m.group(4))).isEqualTo(head.length + rest.text().length());
        }
    }

    /** Reads byte by byte until the text read ends with {@code end}. */
    private static byte[] readUntil(RawHttp raw, String end) throws Exception {
        var buf = new java.io.ByteArrayOutputStream();
        var in = raw.socket().getInputStream();
        while (!buf.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
            int b = in.read();
            assertThat(b).as("the connection closed before " + end).isNotNegative();
            buf.write(b);
        }
        return buf.toByteArray();
    }

    @Test
    void refusalsAreLoggedTooAndARequestWhoseClientLeftIs499() throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        try (LogCapture log = LogCapture.start();
             TestServer s = TestServer.start(c -> c.accessLog(true), r -> r.get("/forever", ctx -> {
                 started.complete(null);
                 return new CompletableFuture<String>();
             }))) {
            assertThat(s.get("/missing?secret=1").statusCode()).isEqualTo(404);
            Matcher notFound = parse(log.await(LOGGER, "/missing", Duration.ofSeconds(5)));
            assertThat(notFound.group(3)).isEqualTo("404");
            assertThat(notFound.group(6)).isEqualTo("-"); // no handler held a thread
            assertThat(notFound.group(7)).isEqualTo("-");

            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /bad\\path HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed();
            }
            Matcher malformed = parse(log.await(LOGGER, " 400 ", Duration.ofSeconds(5)));
            assertThat(malformed.group(1)).isEqualTo("-");
            assertThat(malformed.group(2)).isEqualTo("-");

            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
                started.get(5, TimeUnit.SECONDS);
            }
            Matcher gone = parse(log.await(LOGGER, "/forever", Duration.ofSeconds(5)));
            assertThat(gone.group(3)).isEqualTo("499");
            assertThat(gone.group(4)).isEqualTo("0");
        }
    }

    @Test
    void anEventLoopRouteAndAnOverloadRefusalAreEachOneLine() throws Exception {
        try (LogCapture log = LogCapture.start();
             TestServer s = TestServer.start(c -> c.accessLog(true).workerThreads(1).requestQueueCapacity(0), r -> {
                 r.get("/loop", ctx -> "loop").execution(ExecutionModel.EVENT_LOOP);
                 r.get("/hold", ctx -> new CompletableFuture<String>().completeOnTimeout("held", 1, TimeUnit.SECONDS).join());
             })) {
            assertThat(s.get("/loop").body()).isEqualTo("loop");
            assertThat(parse(log.await(LOGGER, "/loop", Duration.ofSeconds(5))).group(3)).isEqualTo("200");
            var first = s.getAsync("/hold");
            Await.until("the one worker is busy", Duration.ofSeconds(5), () -> s.server.stats().workersBusy() == 1);
            assertThat(s.get("/hold").statusCode()).isEqualTo(503);
            assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            Await.until("both /hold requests logged", Duration.ofSeconds(5), () -> log.messages(LOGGER, "/hold").size() == 2);
            assertThat(log.messages(LOGGER, "/hold")).anyMatch(l -> l.contains(" 503 ")).anyMatch(l -> l.contains(" 200 "));
        }
    }
}
