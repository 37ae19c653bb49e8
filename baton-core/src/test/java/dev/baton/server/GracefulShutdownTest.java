package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ShutdownReport;
import dev.baton.context.CancellationReason;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    @Test
    void requestsInFlightThatFinishWithinTheGracePeriodAreNotDropped() throws Exception {
        // the requests finish only once shutdown has begun: on a timer of their own, the first could
        // finish before the last was admitted (a slow machine), and inFlight would never reach 20
        CompletableFuture<String> finish = new CompletableFuture<>();
        TestServer s = TestServer.start(r -> r.get("/work", ctx -> finish.thenApply(v -> v)));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(s.getAsync("/work"));
        }
        Await.until("all admitted", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 20);
        CompletableFuture<ShutdownReport> stopping = CompletableFuture.supplyAsync(() -> s.server.stop(Duration.ofSeconds(5)));
        awaitNotAccepting(s);
        finish.complete("finished"); // within the grace period
        ShutdownReport report = stopping.get(10, TimeUnit.SECONDS);

        assertThat(calls).allSatisfy(c -> {
            assertThat(c.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(c.get().body()).isEqualTo("finished");
        });
        assertThat(report.inFlightAtStart()).isEqualTo(20);
        assertThat(report.completed()).isEqualTo(20);
        assertThat(report.cancelled()).isZero();
        s.client.close();
    }

    @Test
    void requestsStillRunningAfterTheGracePeriodAreCancelledWithShutdown() throws Exception {
        CompletableFuture<CancellationReason> reason = new CompletableFuture<>();
        TestServer s = TestServer.start(r -> r.get("/forever", ctx -> {
            ctx.cancellation().onCancel(reason::complete);
            return new CompletableFuture<>();
        }));
        CompletableFuture<HttpResponse<String>> call = s.getAsync("/forever");
        Await.until("admitted", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 1);
        ShutdownReport report = s.server.stop(Duration.ofMillis(200));

        assertThat(reason.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.SHUTDOWN);
        assertThat(report.cancelled()).isEqualTo(1);
        HttpResponse<String> res = call.get(5, TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("Connection")).hasValue("close");
        s.client.close();
    }

    @Test
    void aRequestPipelinedBehindOneInFlightDuringShutdownGets503AndCloseAfterIt() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        TestServer s = slowAndFast(slow);
        try (RawHttp raw = new RawHttp(s.port())) {
            // one write, so one read: the pipelined request is in before the first is answered, which
            // no wait after a second write could promise on a slow machine
            raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
            Await.until("slow admitted", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 1);
            CompletableFuture<ShutdownReport> stopping = CompletableFuture.supplyAsync(() -> s.server.stop(Duration.ofSeconds(5)));
            awaitNotAccepting(s);
            slow.complete("made it");
            RawHttp.Result both = raw.readUntilClosed();
            assertThat(both.responses()).isEqualTo(2);
            assertThat(both.text()).startsWith("HTTP/1.1 200").contains("made it");
            String second = both.text().substring(both.text().indexOf("HTTP/1.1 ", 9));
            assertThat(second).startsWith("HTTP/1.1 503");
            assertThat(second.toLowerCase()).contains("connection: close", "retry-after: 1");
            assertThat(both.closed()).isTrue();
            assertThat(stopping.get(10, TimeUnit.SECONDS).refused()).isEqualTo(1);
        }
        s.client.close();
    }

    @Test
    void aNewRequestOnAnOpenConnectionDuringShutdownGets503AndClose() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        TestServer s = slowAndFast(slow);
        try (RawHttp idle = new RawHttp(s.port()); RawHttp busy = new RawHttp(s.port())) {
            idle.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(idle.readResponse()).endsWith("fast");
            busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            Await.until("slow admitted", Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 1);

            CompletableFuture<ShutdownReport> stopping = CompletableFuture.supplyAsync(() -> s.server.stop(Duration.ofSeconds(5)));
            awaitNotAccepting(s);
            RawHttp.Result refused = idle.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.text().toLowerCase()).contains("connection: close", "retry-after: 1");
            assertThat(refused.closed()).isTrue();

            slow.complete("made it");
            // the request in flight is answered, and told the connection ends with it (RFC 9112 9.6)
            assertThat(busy.readResponse()).containsIgnoringCase("\r\nconnection: close\r\n").endsWith("made it");
            ShutdownReport report = stopping.get(10, TimeUnit.SECONDS);
            assertThat(report.refused()).isEqualTo(1);
            assertThat(report.completed()).isEqualTo(1);
        }
        s.client.close();
    }

    @Test
    void shutdownEndsAnEventStreamCleanlyCutsAStreamedBodyAndAnswersOneNotBegun503() throws Exception {
        CompletableFuture<CancellationReason> eventsToken = new CompletableFuture<>();
        CompletableFuture<Void> emitterClosed = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch producing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TestServer s = TestServer.start(r -> {
            r.get("/events", ctx -> {
                ctx.cancellation().onCancel(eventsToken::complete);
                return dev.baton.http.EventStream.of(emitter -> {
                    emitter.onClose(() -> emitterClosed.complete(null));
                    emitter.send("hello");
                });
            });
            r.get("/download", ctx -> dev.baton.http.Response.ok().stream("text/plain", sink -> sink.write("part".getBytes())));
            r.get("/not-begun", ctx -> dev.baton.http.Response.ok().stream("text/plain", sink -> {
                producing.countDown();
                release.await(10, TimeUnit.SECONDS); // still making its first chunk when the grace ends
            }));
        });
        try (RawHttp events = new RawHttp(s.port()); RawHttp download = new RawHttp(s.port());
             RawHttp notBegun = new RawHttp(s.port())) {
            notBegun.send("GET /not-begun HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(producing.await(5, TimeUnit.SECONDS)).isTrue();
            events.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
            download.send("GET /download HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(events.readResponse()).startsWith("HTTP/1.1 200").contains("text/event-stream");
            assertThat(events.readChunk()).contains("data: hello");
            assertThat(download.readResponse()).startsWith("HTTP/1.1 200").contains("transfer-encoding: chunked");
            assertThat(download.readChunk()).isEqualTo("part");
            ShutdownReport report = s.server.stop(Duration.ofMillis(100));
            release.countDown();
            assertThat(report.cancelled()).isEqualTo(3);
            // a stream that had sent nothing yet is answered as any cancelled request is
            RawHttp.Result unavailable = notBegun.readUntilClosed();
            assertThat(unavailable.status()).isEqualTo(503);
            assertThat(unavailable.text().toLowerCase()).contains("retry-after", "application/problem+json");
            // an event stream has no end of its own: it gets its last chunk, and its client reconnects
            assertThat(events.readUntilClosed().text()).isEqualTo("0\r\n\r\n");
            // a body cut short must look cut: no last chunk
            RawHttp.Result cut = download.readUntilClosed();
            assertThat(cut.closed()).isTrue();
            assertThat(cut.text()).doesNotContain("0\r\n\r\n");
            assertThat(eventsToken.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.SHUTDOWN);
            emitterClosed.get(5, TimeUnit.SECONDS);
        }
        s.client.close();
    }

    /** Shutdown has begun once the server socket refuses connections. */
    private static void awaitNotAccepting(TestServer s) {
        Await.until("server channel closed", Duration.ofSeconds(5), () -> {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", s.port())) {
                return false;
            } catch (java.io.IOException refused) {
                return true;
            }
        });
    }

    private static TestServer slowAndFast(CompletableFuture<String> slow) {
        return TestServer.start(r -> {
            r.get("/slow", ctx -> slow);
            r.get("/fast", ctx -> "fast");
        });
    }
}
