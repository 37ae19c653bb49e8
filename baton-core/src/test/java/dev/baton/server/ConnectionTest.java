package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.http.Response;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionTest {

    @Test
    void pipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstIsSlower() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/wait/{ms}", ctx -> {
            long ms = ctx.request().path("ms").asLong();
            return CompletableFuture.supplyAsync(() -> "waited " + ms, CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
        }))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /wait/300 HTTP/1.1\r\nHost: x\r\n\r\nGET /wait/10 HTTP/1.1\r\nHost: x\r\n\r\nGET /wait/100 HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.readResponse()).endsWith("waited 300");
                assertThat(raw.readResponse()).endsWith("waited 10");
                assertThat(raw.readResponse()).endsWith("waited 100");
            }
        }
    }

    @Test
    void http10IsServedWithAndWithoutKeepAlive() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/hi", ctx -> "hi " + ctx.request().protocol()))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                RawHttp.Result r = raw.send("GET /hi HTTP/1.0\r\n\r\n").readUntilClosed();
                assertThat(r.closed()).isTrue();
                assertThat(r.text()).startsWith("HTTP/1.1 200").endsWith("hi HTTP/1.0");
            }
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /hi HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertThat(raw.readResponse()).contains("connection: keep-alive").endsWith("hi HTTP/1.0");
                raw.send("GET /hi HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertThat(raw.readResponse()).endsWith("hi HTTP/1.0");
            }
        }
    }

    @Test
    void theServerOwnsFramingAndDateHeadersWhateverTheHandlerSets() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/h", ctx -> Response.ok()
                .header("Content-Length", "999").header("Transfer-Encoding", "chunked").header("Connection", "close")
                .header("Date", "yesterday").header("X-Kept", "yes").header("Server", "mine").text("body")))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET /h HTTP/1.1\r\nHost: x\r\n\r\n");
                String response = raw.readResponse();
                assertThat(response).contains("\r\ncontent-length: 4\r\n", "\r\nX-Kept: yes\r\n", "\r\nserver: baton\r\n")
                        .doesNotContain("999", "chunked", "close", "yesterday", "mine").endsWith("\r\n\r\nbody");
                // IMF-fixdate (RFC 9110 5.6.7): two-digit day, GMT
                assertThat(response).containsPattern("\r\ndate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n");
                raw.send("GET /h HTTP/1.1\r\nHost: x\r\n\r\n"); // still open: the handler's Connection was not obeyed
                assertThat(raw.readResponse()).endsWith("body");
            }
        }
    }

    @Test
    void aHeaderThatWouldSplitTheResponseIsRefusedWhenSet() throws Exception {
        assertThatThrownBy(() -> Response.ok().header("X-Evil", "a\r\nSet-Cookie: x=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-Evil");
        assertThatThrownBy(() -> Response.ok().header("Bad Name", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Response.ok().contentType("text/plain\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dev.baton.ServerConfig.builder().serverHeader("baton\r\nX-Evil: 1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverHeader");
        // 1xx are interim responses, the server's own; a handler's response is final
        assertThatThrownBy(() -> Response.status(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Response.status(600)).isInstanceOf(IllegalArgumentException.class);
        try (TestServer s = TestServer.start(r -> r.get("/echo", ctx -> Response.ok()
                .header("X-Echo", ctx.request().query("v").asString("")).text("ok")))) {
            var res = s.get("/echo?v=a%0D%0ASet-Cookie:%20x=1");
            assertThat(res.statusCode()).isEqualTo(500);
            assertThat(res.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/hi", ctx -> "hi"))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                RawHttp.Result r = raw.send("GET /hi HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed();
                assertThat(r.closed()).isTrue();
                assertThat(r.text()).contains("connection: close");
            }
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        try (TestServer s = TestServer.start(c -> c.idleTimeout(Duration.ofMillis(300)), r -> r.get("/hi", ctx -> "hi"))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                // from before the request: the server's idle clock starts at its answer, later still, so
                // however late this thread reads that answer the close cannot seem to come early
                long start = System.nanoTime();
                raw.send("GET /hi HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.readResponse()).endsWith("hi");
                RawHttp.Result rest = raw.readUntilClosed();
                assertThat(rest.closed()).isTrue();
                assertThat(rest.text()).isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(200));
            }
        }
    }

    /** Idle means nothing moving: a body the client is still taking in, slowly, is not cut at the idle deadline. */
    @Test
    void aBigResponseReadSlowlyIsNotCutByTheIdleTimeoutButAStalledReaderIs() throws Exception {
        int size = 16 * 1024 * 1024;
        byte[] body = new byte[size];
        try (TestServer s = TestServer.start(c -> c.idleTimeout(Duration.ofSeconds(1)), r -> r.get("/big", ctx -> body))) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.setReceiveBufferSize(16 * 1024);
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", s.port()));
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                java.io.InputStream in = socket.getInputStream();
                byte[] chunk = new byte[64 * 1024];
                long received = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                int n;
                // about 6 MB/s: the body takes ~3 s to arrive, three idle periods; the kernel's send buffer
                // (up to 4 MB) drains between the server's writes in well under one
                long start = System.nanoTime();
                while (received < size && System.nanoTime() < deadline && (n = in.read(chunk)) > 0) {
                    received += n;
                    long due = start + received * 1_000_000_000L / (6L << 20); // the slow reader's pace
                    java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                }
                assertThat(received).as("bytes before the server closed").isGreaterThanOrEqualTo(size);
            }
            // a reader that takes nothing is closed after an idle period without progress
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.setReceiveBufferSize(16 * 1024);
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", s.port()));
                socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                Await.until("stalled reader closed", Duration.ofSeconds(10), () -> s.server.stats().openConnections() == 0);
            }
        }
    }

    /** RFC 9110 9.3.2: a HEAD response has no content, a refusal of a malformed HEAD request included. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "HEAD /hi HTTP/1.1\r\nHost: x\r\nX y\r\n\r\n",
        "HEAD /hi HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n",
        "HEAD /hi HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n",
        "HEAD /hi HTTP/2.0\r\nHost: x\r\n\r\n",
    })
    void aRefusedHeadRequestGetsItsStatusWithoutABody(String request) throws Exception {
        try (TestServer s = TestServer.start(c -> c.maxBodySize(1000), r -> r.get("/hi", ctx -> "hi"))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                RawHttp.Result r = raw.send(request).readUntilClosed();
                assertThat(r.status()).isBetween(400, 505);
                assertThat(r.closed()).isTrue();
                assertThat(r.text()).endsWith("\r\n\r\n").doesNotContain("{");
            }
            try (RawHttp raw = new RawHttp(s.port())) { // the same refusal of a GET has its problem body
                RawHttp.Result r = raw.send(request.replaceFirst("HEAD", "GET")).readUntilClosed();
                assertThat(r.text()).contains("\"status\":" + r.status());
            }
        }
    }

    /** RFC 9112 3.2.2 and 3.2.4: an absolute-form target's authority is the host; OPTIONS with no path is "*". */
    @Test
    void anAbsoluteFormTargetsAuthorityReplacesHostAndOptionsWithoutAPathMeansTheServer() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/host", ctx -> ctx.request().header("Host").asString()))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("GET http://other.example:81/host HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("other.example:81");
                raw.send("OPTIONS http://other.example HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 204").containsIgnoringCase("allow: GET");
                raw.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 204");
            }
        }
    }

    @Test
    void aHeaderLineWithoutAColonIsNamedAsSuch() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/hi", ctx -> "hi"))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                RawHttp.Result r = raw.send("GET /hi HTTP/1.1\r\nHost: x\r\nX y\r\n\r\n").readUntilClosed();
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.text()).contains("a header line without a colon");
            }
        }
    }

    /** RFC 9110 5.6.1: empty list elements are ignored, so these expect 100-continue or nothing. */
    @org.junit.jupiter.params.ParameterizedTest(name = "Expect: [{0}]")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"100-continue,", " , 100-Continue", ""})
    void anExpectListWithEmptyElementsIsServed(String expect) throws Exception {
        try (TestServer s = TestServer.start(r -> r.post("/echo", ctx -> ctx.request().bodyText()))) {
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: " + expect + "\r\nContent-Length: 2\r\n\r\n");
                if (!expect.isBlank()) {
                    assertThat(raw.readResponse()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
                }
                raw.send("ok");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("ok");
            }
        }
    }

    @Test
    void no100ContinueIsSentWhenThereIsNoBodyOrItHasArrivedAlready() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/hi", ctx -> "hi");
            r.post("/echo", ctx -> ctx.request().bodyText());
        }); RawHttp raw = new RawHttp(s.port())) {
            // RFC 9110 10.1.1: framing that says "no content", or content in the same packet as the head
            raw.send("GET /hi HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("hi");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").contains("content-length: 0");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("ok");
            // a client that waits for the 100 still gets it
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertThat(raw.readResponse()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            raw.send("2\r\nok\r\n0\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("ok");
        }
    }

    /** Issue 17: a request that will be refused gets its final answer at once, not a 100 and a wait for a body. */
    @Test
    void aRequestThatWillBeRefusedGetsItsFinalStatusInsteadOf100Continue() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/only-get", ctx -> "hi");
            r.post("/echo", ctx -> ctx.request().bodyText());
        })) {
            for (String[] c : new String[][] {{"POST /unknown", "404"}, {"POST /only-get", "405"}, {"BREW /echo", "501"}}) {
                try (RawHttp raw = new RawHttp(s.port())) {
                    raw.send(c[0] + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
                    RawHttp.Result r = raw.readUntilClosed(); // no body sent: the answer comes and the connection closes
                    assertThat(r.text()).as(c[0]).startsWith("HTTP/1.1 " + c[1]).doesNotContain("100 Continue")
                            .contains("connection: close");
                    if (c[1].equals("405")) {
                        assertThat(r.text()).containsIgnoringCase("allow: GET");
                    }
                    assertThat(r.closed()).isTrue();
                }
            }
            // a request that will be served still gets its 100
            try (RawHttp raw = new RawHttp(s.port())) {
                raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
                assertThat(raw.readResponse()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
                raw.send("ok");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("ok");
            }
        }
    }

    @Test
    void aRequestRefusedOnItsHeadIsAnsweredAfterTheRequestsPipelinedBeforeIt() throws Exception {
        java.util.concurrent.CompletableFuture<String> slow = new java.util.concurrent.CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.get("/slow", ctx -> slow)); RawHttp raw = new RawHttp(s.port())) {
            raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /unknown HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            slow.complete("first");
            RawHttp.Result r = raw.readUntilClosed();
            assertThat(r.text()).startsWith("HTTP/1.1 200").contains("first");
            assertThat(r.text().indexOf("HTTP/1.1 404")).isGreaterThan(r.text().indexOf("first"));
            assertThat(r.text()).doesNotContain("100 Continue");
        }
    }

    @Test
    void aRequestOverTheInFlightCapGets503InsteadOf100Continue() throws Exception {
        java.util.concurrent.CompletableFuture<String> hold = new java.util.concurrent.CompletableFuture<>();
        try (TestServer s = TestServer.start(c -> c.maxInFlight(1), r -> {
            r.get("/hold", ctx -> hold);
            r.post("/echo", ctx -> ctx.request().bodyText());
        }); RawHttp holder = new RawHttp(s.port()); RawHttp raw = new RawHttp(s.port())) {
            holder.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
            dev.baton.testing.await.Await.until("the held request is in flight", java.time.Duration.ofSeconds(5), () -> s.server.stats().inFlight() == 1);
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            RawHttp.Result r = raw.readUntilClosed();
            assertThat(r.text()).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after:").doesNotContain("100 Continue");
            hold.complete("done");
            assertThat(holder.readResponse()).endsWith("done");
        }
    }

    @Test
    void a503Or405BuiltByAHandlerStillCarriesRetryAfterOrAllow() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.get("/down", ctx -> Response.status(503).text("down for maintenance"));
            r.get("/refuse", ctx -> Response.status(405).text("not like this"));
            r.post("/refuse", ctx -> "posted");
        })) {
            var down = s.get("/down");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.headers().firstValue("Retry-After")).hasValue("1");
            var refused = s.get("/refuse");
            assertThat(refused.statusCode()).isEqualTo(405);
            assertThat(refused.headers().firstValue("Allow")).hasValueSatisfying(a -> assertThat(a).contains("GET", "POST"));
        }
    }

    @Test
    void aLongRunningRequestIsNotCutByTheIdleTimeout() throws Exception {
        try (TestServer s = TestServer.start(c -> c.idleTimeout(Duration.ofMillis(200)), r -> r.get("/slow",
                ctx -> CompletableFuture.supplyAsync(() -> "slow but fine", CompletableFuture.delayedExecutor(600, TimeUnit.MILLISECONDS))))) {
            assertThat(s.get("/slow").body()).isEqualTo("slow but fine");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
        try (TestServer s = TestServer.start(c -> c.maxConnections(2), r -> r.get("/hi", ctx -> "hi"))) {
            try (RawHttp a = new RawHttp(s.port()); RawHttp b = new RawHttp(s.port())) {
                a.send("GET /hi HTTP/1.1\r\nHost: x\r\n\r\n");
                b.send("GET /hi HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(a.readResponse()).endsWith("hi");
                assertThat(b.readResponse()).endsWith("hi");
                Await.until("two open", Duration.ofSeconds(5), () -> s.server.stats().openConnections() == 2);
                try (RawHttp c = new RawHttp(s.port())) {
                    RawHttp.Result r = c.send("GET /hi HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed();
                    assertThat(r.closed()).isTrue();
                    assertThat(r.text()).isEmpty();
                }
            }
        }
    }

    @Test
    void anAsyncResponseCompletedWhileWorkIsPendingCancelsThatWorkAndCountsIt() throws Exception {
        CompletableFuture<Void> abandoned = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> {
            r.get("/leaky", ctx -> {
                ctx.pendingWork().begin("background fetch", () -> abandoned.complete(null));
                return CompletableFuture.supplyAsync(() -> "answered too early");
            });
            r.get("/tidy", ctx -> {
                var ticket = ctx.pendingWork().begin("fetch", () -> { });
                return CompletableFuture.supplyAsync(() -> "tidy").whenComplete((v, e) -> ticket.close());
            });
        })) {
            assertThat(s.get("/tidy").body()).isEqualTo("tidy");
            assertThat(s.server.stats().safetyNets().pendingAtCompletion()).isZero();
            assertThat(s.get("/leaky").body()).isEqualTo("answered too early");
            abandoned.get(5, TimeUnit.SECONDS);
            assertThat(s.server.stats().safetyNets().pendingAtCompletion()).isEqualTo(1);
            assertThat(s.server.stats().safetyNets().asyncInSyncStage()).isZero();
        }
    }

    @Test
    void statsReportPerRouteLatencyAndCounts() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/a/{x}", ctx -> "a"))) {
            for (int i = 0; i < 5; i++) {
                s.get("/a/" + i);
            }
            var stats = s.server.stats();
            assertThat(stats.routes()).containsKey("GET /a/{x}");
            assertThat(stats.routes().get("GET /a/{x}").count()).isEqualTo(5);
            assertThat(stats.completed()).isEqualTo(5);
            assertThat(stats.inFlight()).isZero();
            assertThat(stats.workerThreads()).isEqualTo(dev.baton.ServerConfig.defaultWorkerThreads());
        }
    }
}
