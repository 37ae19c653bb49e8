package dev.baton.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.context.CancellationReason;
import dev.baton.http.EventStream;
import dev.baton.http.Response;
import dev.baton.support.RawH2;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The async model on HTTP/2: streamed bodies, timeouts, cancellation, shutdown. */
class Http2RequestLifecycleTest {

    @Test
    void aStreamedBodyGoesOutAsDataFramesUntilEndStream() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/stream", ctx -> Response.ok().stream("text/plain", sink ->
                sink.write("one,").thenCompose(v -> sink.write("two,")).thenCompose(v -> sink.write("three"))
                        .whenComplete((v, e) -> sink.close()))));
             RawH2 h2 = new RawH2(s.port())) {
            RawH2.Answer a = h2.answer(h2.send("GET", "/stream"));
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo("one,two,three");
            assertThat(a.headers().contains("transfer-encoding")).isFalse();
            assertThat(a.headers().contains("content-length")).isFalse();
            Await.until("stream accounted", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 0);
        }
    }

    @Test
    void anEventStreamSendsEventsAsTheyCome() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/events", ctx -> EventStream.of(emitter ->
                emitter.send("a").thenCompose(v -> emitter.send("b")).thenRun(emitter::close))));
             RawH2 h2 = new RawH2(s.port())) {
            RawH2.Answer a = h2.answer(h2.send("GET", "/events"));
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.headers().get("content-type").toString()).startsWith("text/event-stream");
            assertThat(a.body()).contains("data: a\n\n").contains("data: b\n\n");
        }
    }

    @Test
    void aStreamTheClientResetsFiresTheTokenWithClientDisconnect() throws Exception {
        CompletableFuture<CancellationReason> reason = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> {
            r.get("/hang", ctx -> {
                ctx.cancellation().onCancel(reason::complete);
                started.complete(null);
                return new CompletableFuture<>();
            });
            r.get("/ok", ctx -> "ok");
        }); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.send("GET", "/hang");
            started.get(5, TimeUnit.SECONDS);
            h2.rst(id, RawH2.CANCEL);
            assertThat(reason.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            Await.until("disconnect counted", Duration.ofSeconds(5), () -> s.server.stats().clientDisconnects() == 1
                    && s.server.stats().inFlight() == 0);
            assertThat(h2.answer(h2.send("GET", "/ok")).body()).isEqualTo("ok"); // the connection goes on
        }
    }

    @Test
    void aResetEventStreamIsCutAndItsTokenFires() throws Exception {
        CompletableFuture<CancellationReason> reason = new CompletableFuture<>();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.get("/forever", ctx -> {
            ctx.cancellation().onCancel(reason::complete);
            return EventStream.of(emitter -> emitter.send("hello").thenRun(() -> opened.complete(null)));
        })); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.send("GET", "/forever");
            opened.get(5, TimeUnit.SECONDS);
            h2.rst(id, RawH2.CANCEL);
            assertThat(reason.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            Await.until("stream ended", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 0);
        }
    }

    @Test
    void closingTheConnectionCancelsEveryStreamOnIt() throws Exception {
        CompletableFuture<CancellationReason> first = new CompletableFuture<>();
        CompletableFuture<CancellationReason> second = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.get("/hang/{n}", ctx -> {
            ctx.cancellation().onCancel(ctx.request().path("n").asString().equals("1") ? first::complete : second::complete);
            return new CompletableFuture<>();
        }))) {
            RawH2 h2 = new RawH2(s.port());
            h2.send("GET", "/hang/1");
            h2.send("GET", "/hang/2");
            Await.until("both in flight", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 2);
            h2.close();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            Await.until("none in flight", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 0);
        }
    }

    @Test
    void aRequestThatTakesTooLongIsAnswered504OnItsStream() throws Exception {
        CompletableFuture<CancellationReason> reason = new CompletableFuture<>();
        try (TestServer s = TestServer.start(c -> c.requestTimeout(Duration.ofMillis(200)), r -> r.get("/slow", ctx -> {
            ctx.cancellation().onCancel(reason::complete);
            return new CompletableFuture<>();
        })); RawH2 h2 = new RawH2(s.port())) {
            RawH2.Answer a = h2.answer(h2.send("GET", "/slow"));
            assertThat(a.status()).isEqualTo(504);
            assertThat(a.headers().get("content-type").toString()).isEqualTo("application/problem+json");
            assertThat(reason.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.TIMEOUT);
        }
    }

    @Test
    void requestsOnOneConnectionTimeOutEachAtItsOwnInstant() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/later", ctx -> new CompletableFuture<>()).timeout(Duration.ofMillis(800));
            r.get("/sooner", ctx -> new CompletableFuture<>()).timeout(Duration.ofMillis(200));
            r.get("/quick", ctx -> "quick");
        }); RawH2 h2 = new RawH2(s.port())) {
            long start = System.nanoTime();
            int later = h2.send("GET", "/later");
            int sooner = h2.send("GET", "/sooner");
            int quick = h2.send("GET", "/quick"); // answered in time: its timeout never fires
            Map<Integer, String> statuses = new HashMap<>();
            Map<Integer, Long> endedAfterMillis = new LinkedHashMap<>();
            while (endedAfterMillis.size() < 3) {
                RawH2.Frame f = h2.read();
                assertThat(f).as("the connection stays open").isNotNull();
                if (f.type() == RawH2.HEADERS) {
                    statuses.put(f.streamId(), f.headers().status().toString());
                }
                if (f.endStream()) {
                    endedAfterMillis.put(f.streamId(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            }
            assertThat(endedAfterMillis.keySet()).containsSubsequence(sooner, later);
            assertThat(statuses).containsEntry(quick, "200").containsEntry(sooner, "504").containsEntry(later, "504");
            assertThat(endedAfterMillis.get(sooner)).isGreaterThanOrEqualTo(200);
            assertThat(endedAfterMillis.get(later)).isGreaterThanOrEqualTo(800);
        }
    }

    @Test
    void aStreamStillBeingServedKeepsAnIdleConnectionOpen() throws Exception {
        try (TestServer s = TestServer.start(c -> c.idleTimeout(Duration.ofMillis(200)), r -> r.get("/slow",
                ctx -> CompletableFuture.supplyAsync(() -> "slow but fine", CompletableFuture.delayedExecutor(800, TimeUnit.MILLISECONDS))));
             RawH2 h2 = new RawH2(s.port())) {
            int id = h2.send("GET", "/slow");
            List<Integer> types = new ArrayList<>();
            StringBuilder body = new StringBuilder();
            RawH2.Frame f;
            do {
                f = h2.read();
                assertThat(f).as("the connection stays open").isNotNull();
                types.add(f.type());
                if (f.type() == RawH2.DATA) {
                    body.append(new String(f.payload(), StandardCharsets.UTF_8));
                }
            } while (f.streamId() != id || !f.endStream());
            assertThat(types).as("no GOAWAY while the stream runs").doesNotContain(RawH2.GOAWAY);
            assertThat(body.toString()).isEqualTo("slow but fine");
            assertThat(h2.awaitGoAway()).as("idle once it is answered").isNotNull();
        }
    }

    @Test
    void everyExecutionModelServesOverHttp2() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/worker", ctx -> "worker").execution(ExecutionModel.WORKER);
            r.get("/loop", ctx -> "loop").execution(ExecutionModel.EVENT_LOOP);
            r.get("/virtual", ctx -> "virtual").execution(ExecutionModel.VIRTUAL);
        });
             RawH2 h2 = new RawH2(s.port())) {
            assertThat(h2.answer(h2.send("GET", "/worker")).body()).isEqualTo("worker");
            assertThat(h2.answer(h2.send("GET", "/loop")).body()).isEqualTo("loop");
            assertThat(h2.answer(h2.send("GET", "/virtual")).body()).isEqualTo("virtual");
        }
    }

    @Test
    void shutdownSendsGoAwayAndLetsTheStreamInFlightFinish() throws Exception {
        CompletableFuture<String> release = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        TestServer s = TestServer.start(r -> r.get("/slow", ctx -> {
            started.complete(null);
            return release;
        }));
        try (RawH2 h2 = new RawH2(s.port())) {
            int id = h2.send("GET", "/slow");
            started.get(5, TimeUnit.SECONDS);
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> s.server.stop(Duration.ofSeconds(5)));
            RawH2.Frame goAway;
            do {
                goAway = h2.read();
            } while (goAway != null && goAway.type() != RawH2.GOAWAY);
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(RawH2.NO_ERROR);
            release.complete("done");
            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo("done");
            stopped.get(10, TimeUnit.SECONDS);
        } finally {
            s.close();
        }
    }

    @Test
    void aStreamStillRunningWhenTheGraceEndsIsAnswered503AndCancelledWithShutdown() throws Exception {
        CompletableFuture<CancellationReason> reason = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        TestServer s = TestServer.start(c -> c.shutdownGrace(Duration.ofMillis(200)), r -> r.get("/hang", ctx -> {
            ctx.cancellation().onCancel(reason::complete);
            started.complete(null);
            return new CompletableFuture<>();
        }));
        try (RawH2 h2 = new RawH2(s.port())) {
            int id = h2.send("GET", "/hang");
            started.get(5, TimeUnit.SECONDS);
            var report = s.server.stop(Duration.ofMillis(200));
            RawH2.Answer a = h2.answer(id);
            assertThat(a.status()).isEqualTo(503);
            assertThat(reason.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.SHUTDOWN);
            assertThat(report.cancelled()).isEqualTo(1);
        } finally {
            s.close();
        }
    }

    @Test
    void bodiesLargerThanTheWindowWaitForTheClientsWindowUpdates() throws Exception {
        byte[] big = new byte[300_000];
        java.util.Arrays.fill(big, (byte) 'a');
        try (TestServer s = TestServer.start(r -> {
            r.get("/whole", ctx -> Response.ok().bytes(big, "text/plain"));
            r.get("/streamed", ctx -> Response.ok().stream("text/plain", sink -> {
                var written = CompletableFuture.<Void>completedFuture(null);
                for (int i = 0; i < 30; i++) {
                    written = written.thenCompose(v -> sink.write(new byte[10_000]));
                }
                written.whenComplete((v, e) -> sink.close());
            }));
        })) {
            for (String path : new String[] {"/whole", "/streamed"}) {
                try (RawH2 h2 = new RawH2(s.port(), Duration.ofSeconds(10), 0, false)) {
                    int id = h2.send("GET", path);
                    long window = 65_535; // HTTP/2's initial window, the stream's and the connection's
                    long received = 0;
                    boolean ended = false;
                    while (!ended) {
                        RawH2.Frame f = h2.read();
                        assertThat(f).as(path + ": connection closed early").isNotNull();
                        if (f.type() == RawH2.DATA && f.streamId() == id) {
                            received += f.payload().length;
                            window -= f.payload().length;
                            assertThat(window).as(path + ": the server overran the window").isNotNegative();
                            ended = f.endStream();
                            if (window < 20_000 && !ended) { // take it in, then grant as much again
                                h2.windowUpdate(0, 40_000);
                                h2.windowUpdate(id, 40_000);
                                window += 40_000;
                            }
                        } else if (f.type() == RawH2.HEADERS && f.streamId() == id) {
                            ended = f.endStream();
                        }
                    }
                    assertThat(received).as(path).isEqualTo(300_000);
                }
            }
        }
    }
}
