package dev.baton.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.context.CancellationReason;
import dev.baton.http.Problem;
import dev.baton.support.LogCapture;
import dev.baton.support.RawHttp;
import dev.baton.support.RawWebSocket;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebSocketTest {

    /** A JDK client that collects what it receives. */
    static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            messages.add("binary:" + new String(b, StandardCharsets.UTF_8));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return m;
        }
    }

    static WebSocket connect(TestServer s, String path, Collector listener, String... subprotocols) {
        WebSocket.Builder b = s.client.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return b.buildAsync(URI.create("ws://127.0.0.1:" + s.port() + path), listener).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void aSessionEchoesTextAndBinaryAndSeesItsHandshakesPathQueryAndSubprotocol() throws Exception {
        try (TestServer s = TestServer.start(r -> r.ws("/rooms/{room}", ws -> ws
                .subprotocols("chat.v2", "chat.v1")
                .onOpen(session -> session.sendText("welcome to " + session.request().path("room").asString()
                        + " as " + session.request().query("name").asString() + " on " + session.subprotocol()))
                .onText((session, text) -> session.sendText("echo " + text))
                .onBinary((session, data) -> session.sendBinary(data))))) {
            Collector c = new Collector();
            WebSocket ws = connect(s, "/rooms/lobby?name=ada", c, "chat.v1", "other");
            assertThat(ws.getSubprotocol()).isEqualTo("chat.v1");
            assertThat(c.next()).isEqualTo("welcome to lobby as ada on chat.v1");
            ws.sendText("hello", true).join();
            assertThat(c.next()).isEqualTo("echo hello");
            ws.sendText("frag", false).join();
            ws.sendText("mented", true).join();
            assertThat(c.next()).isEqualTo("echo fragmented");
            ws.sendBinary(ByteBuffer.wrap("bytes".getBytes(StandardCharsets.UTF_8)), true).join();
            assertThat(c.next()).isEqualTo("binary:bytes");
            ws.sendClose(1000, "bye").join();
            assertThat(c.closed.get(10, TimeUnit.SECONDS)).startsWith("1000");
            Await.until(Duration.ofSeconds(5), () -> s.server.stats().webSockets().openSessions() == 0);
            assertThat(s.server.stats().webSockets().messagesIn()).isEqualTo(3);
            assertThat(s.server.stats().webSockets().messagesOut()).isEqualTo(4);
            assertThat(s.server.stats().openConnections()).isZero();
        }
    }

    @Test
    void aPlainGetOnAWebSocketRouteIsAnswered426WithAProblem() throws Exception {
        try (TestServer s = TestServer.start(r -> r.ws("/ws", ws -> { }))) {
            var res = s.get("/ws");
            assertThat(res.statusCode()).isEqualTo(426);
            assertThat(res.headers().firstValue("content-type")).hasValue(Problem.CONTENT_TYPE);
            assertThat(res.headers().firstValue("upgrade")).hasValue("websocket");
            assertThat(res.body()).contains("WebSocket");
        }
    }

    @Test
    void aHandshakeWithTheWrongVersionOrABadKeyIsRefused() throws Exception {
        try (TestServer s = TestServer.start(r -> r.ws("/ws", ws -> { }))) {
            String base = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
            try (RawHttp raw = new RawHttp(s.port())) {
                String res = raw.send(base + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 8\r\n\r\n")
                        .readResponse();
                assertThat(res).startsWith("HTTP/1.1 426").containsIgnoringCase("sec-websocket-version: 13")
                        .contains(Problem.CONTENT_TYPE);
            }
            for (String key : List.of("", "Sec-WebSocket-Key: c2hvcnQ=\r\n", "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==\r\n",
                    "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n")) {
                try (RawHttp raw = new RawHttp(s.port())) {
                    String res = raw.send(base + key + "Sec-WebSocket-Version: 13\r\n\r\n").readResponse();
                    assertThat(res).as(key).startsWith("HTTP/1.1 400").contains("Sec-WebSocket-Key");
                }
            }
            try (RawHttp raw = new RawHttp(s.port())) {
                String res = raw.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                        + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n").readResponse();
                assertThat(res).startsWith("HTTP/1.1 400").contains("Connection: Upgrade");
            }
        }
    }

    @Test
    void aHandshakeFromAnOriginNotAllowedIsRefused403() throws Exception {
        try (TestServer s = TestServer.start(c -> c.webSocketAllowedOrigins("https://app.example.com, https://admin.example.com"),
                r -> r.ws("/ws", ws -> ws.onText((session, text) -> session.sendText(text))))) {
            try (RawWebSocket evil = RawWebSocket.open(s.port(), "/ws", "Origin: https://evil.example.net\r\n")) {
                assertThat(evil.handshakeResponse).startsWith("HTTP/1.1 403");
            }
            try (RawWebSocket good = RawWebSocket.open(s.port(), "/ws", "Origin: https://admin.example.com\r\n")) {
                assertThat(good.upgraded()).as(good.handshakeResponse).isTrue();
                assertThat(good.handshakeResponse).contains("Sec-WebSocket-Accept: ICX+Yqv66kxgM0FcWaLWlFLwTAI=");
                good.text("hi");
                assertThat(good.read().text()).isEqualTo("hi");
            }
        }
    }

    @Test
    void middlewareRunsOnTheHandshakeAndMayRefuseIt() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.use((ctx, next) -> ctx.request().headers().first("Authorization").isPresent()
                    ? next.proceed().thenApply(res -> res.withHeader("X-Seen", "yes"))
                    : CompletableFuture.completedFuture(Problem.of(401, "who are you").toResponse()));
            r.ws("/ws", ws -> ws.onText((session, text) -> session.sendText(text)));
        })) {
            try (RawWebSocket anonymous = RawWebSocket.open(s.port(), "/ws")) {
                assertThat(anonymous.handshakeResponse).startsWith("HTTP/1.1 401");
            }
            try (RawWebSocket known = RawWebSocket.open(s.port(), "/ws", "Authorization: Bearer x\r\n")) {
                assertThat(known.upgraded()).isTrue();
                assertThat(known.handshakeResponse).contains("X-Seen: yes");
                known.text("through");
                assertThat(known.read().text()).isEqualTo("through");
            }
        }
    }

    @Test
    void theAccessLogShowsTheHandshakeAs101() throws Exception {
        try (LogCapture log = LogCapture.start();
             TestServer s = TestServer.start(c -> c.accessLog(true), r -> r.ws("/ws", ws -> { }));
             RawWebSocket ws = RawWebSocket.open(s.port(), "/ws")) {
            assertThat(ws.upgraded()).isTrue();
            assertThat(log.await("dev.baton.access", "/ws", Duration.ofSeconds(5))).contains("GET").contains(" 101 ");
        }
    }

    @Test
    void aRequestPipelinedAfterTheHandshakeIsRefused() throws Exception {
        try (TestServer s = TestServer.start(r -> r.ws("/ws", ws -> { }).execution(ExecutionModel.WORKER));
             RawHttp raw = new RawHttp(s.port())) {
            String handshake = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            var result = raw.send(handshake + "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed();
            assertThat(result.closed()).isTrue();
            assertThat(result.text()).startsWith("HTTP/1.1 400").contains("last request on its connection").doesNotContain("101");
        }
    }

    @Test
    void callbacksRunOneAtATimeInOrderOnTheRoutesExecutionModelAndMayReturnStages() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TestServer s = TestServer.start(r -> r.ws("/ws", ws -> ws
                .onText((session, text) -> {
                    seen.add(text + "@" + Thread.currentThread().isVirtual());
                    // the next message waits for this stage, so the replies keep the order
                    return CompletableFuture.supplyAsync(() -> text, CompletableFuture.delayedExecutor(
                            text.equals("1") ? 200 : 1, TimeUnit.MILLISECONDS)).thenCompose(session::sendText);
                })).execution(ExecutionModel.VIRTUAL))) {
            Collector c = new Collector();
            WebSocket ws = connect(s, "/ws", c);
            for (int i = 1; i <= 5; i++) {
                ws.sendText(Integer.toString(i), true).join();
            }
            assertThat(List.of(c.next(), c.next(), c.next(), c.next(), c.next())).containsExactly("1", "2", "3", "4", "5");
            assertThat(seen).containsExactly("1@true", "2@true", "3@true", "4@true", "5@true");
            ws.abort();
        }
    }

    @Test
    void callbacksRunOnWorkersByDefaultAndOnTheEventLoopWhenTheRouteSaysSo() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.ws("/default", ws -> ws.onText((session, text) -> session.sendText(Thread.currentThread().getName())));
            r.ws("/loop", ws -> ws.onText((session, text) -> session.sendText(Thread.currentThread().getName())))
                    .execution(ExecutionModel.EVENT_LOOP);
        })) {
            Collector onWorker = new Collector();
            connect(s, "/default", onWorker).sendText("who runs me?", true).join();
            assertThat(onWorker.next()).startsWith("baton-worker-");
            Collector onLoop = new Collector();
            connect(s, "/loop", onLoop).sendText("who runs me?", true).join();
            assertThat(onLoop.next()).startsWith("baton-io-");
        }
    }

    @Test
    void aCallbackThatThrowsIsReportedToOnErrorAndClosesTheSessionWith1011() throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        CompletableFuture<Integer> closedWith = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.ws("/ws", ws -> ws
                .onText((session, text) -> {
                    throw new IllegalStateException("boom");
                })
                .onError((session, error) -> reported.complete(error))
                .onClose((session, code, reason) -> closedWith.complete(code))))) {
            Collector c = new Collector();
            WebSocket ws = connect(s, "/ws", c);
            ws.sendText("x", true).join();
            assertThat(reported.get(10, TimeUnit.SECONDS)).hasMessage("boom");
            assertThat(c.closed.get(10, TimeUnit.SECONDS)).startsWith("1011");
            assertThat(closedWith.get(10, TimeUnit.SECONDS)).isEqualTo(1011);
        }
    }

    @Test
    void aCallbackTheFullWorkerQueueRefusesClosesTheSessionWith1013AndOnCloseRunsOnceAWorkerIsFree() throws Exception {
        java.util.concurrent.CountDownLatch blocking = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Integer> onClose = new CompletableFuture<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TestServer s = TestServer.start(c -> c.workerThreads(1).requestQueueCapacity(0), r -> {
            r.get("/block", ctx -> {
                blocking.countDown();
                release.await(10, TimeUnit.SECONDS);
                return "released";
            });
            r.ws("/ws", ws -> ws.onText((session, text) -> {
                        seen.add(text);
                        return session.sendText(text);
                    })
                    .onClose((session, code, reason) -> onClose.complete(code)));
        }); RawWebSocket raw = RawWebSocket.open(s.port(), "/ws")) {
            raw.text("while a worker is free");
            assertThat(raw.read().text()).isEqualTo("while a worker is free");
            var blocked = s.getAsync("/block"); // the one worker, held
            assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
            raw.text("no worker for this one");
            RawWebSocket.Frame close = raw.read();
            assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1013);
            raw.close(1013, "");
            assertThat(onClose).isNotDone();
            release.countDown();
            assertThat(blocked.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
            assertThat(onClose.get(10, TimeUnit.SECONDS)).isEqualTo(1013);
            assertThat(seen).as("the refused message is dropped, not delivered late").containsExactly("while a worker is free");
        }
    }

    @Test
    void theTokenFiresClosedWhenTheServerClosesAndTheClientSeesTheCodeAndReason() throws Exception {
        CompletableFuture<CancellationReason> why = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.ws("/ws", ws -> ws
                .onOpen(session -> {
                    session.cancellationToken().onCancel(why::complete);
                    session.attributes().put("user", "ada");
                    return null;
                })
                .onText((session, text) -> session.close(4001, "done, " + session.attributes().get("user")))))) {
            Collector c = new Collector();
            WebSocket ws = connect(s, "/ws", c);
            ws.sendText("close please", true).join();
            assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4001 done, ada"); // the JDK client answers the close itself
            assertThat(why.get(10, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLOSED);
            Await.until(Duration.ofSeconds(10), () -> s.server.stats().webSockets().openSessions() == 0);
        }
    }

    @Test
    void aClientThatDropsTheConnectionFiresTheTokenWithClientDisconnectAndOnCloseWith1006() throws Exception {
        CompletableFuture<CancellationReason> why = new CompletableFuture<>();
        CompletableFuture<Integer> code = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> r.ws("/ws", ws -> ws
                .onOpen(session -> session.cancellationToken().onCancel(why::complete))
                .onClose((session, c, reason) -> code.complete(c))))) {
            RawWebSocket raw = RawWebSocket.open(s.port(), "/ws");
            assertThat(raw.upgraded()).isTrue();
            Await.until(Duration.ofSeconds(5), () -> s.server.stats().webSockets().openSessions() == 1);
            raw.close();
            assertThat(why.get(10, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            assertThat(code.get(10, TimeUnit.SECONDS)).isEqualTo(1006);
        }
    }

    @Test
    void theSessionsContextHasNoDeadlineAndTracksWorkUntilTheSessionEnds() throws Exception {
        CompletableFuture<String> atOpen = new CompletableFuture<>();
        CompletableFuture<Void> abandoned = new CompletableFuture<>();
        CompletableFuture<dev.baton.context.RequestContext.Outcome> ended = new CompletableFuture<>();
        try (TestServer s = TestServer.start(c -> c.requestTimeout(Duration.ofMillis(50)), r -> r.ws("/ws", ws -> ws
                .onOpen(session -> {
                    var ctx = session.requestContext();
                    ctx.pendingWork().begin("a call for the session", () -> abandoned.complete(null));
                    ctx.onComplete(ended::complete);
                    atOpen.complete(ctx.deadline().isNone() + " " + ctx.isCompleted() + " " + ctx.pendingWork().pending()
                            + " " + ctx.request().path());
                    return null;
                })))) {
            RawWebSocket raw = RawWebSocket.open(s.port(), "/ws");
            assertThat(atOpen.get(10, TimeUnit.SECONDS)).isEqualTo("true false 1 /ws");
            assertThat(abandoned).as("work begun after the 101 is not abandoned at once").isNotDone();
            raw.close();
            abandoned.get(10, TimeUnit.SECONDS);
            assertThat(ended.get(10, TimeUnit.SECONDS)).isEqualTo(dev.baton.context.RequestContext.Outcome.CLIENT_DISCONNECTED);
        }
    }

    @Test
    void aSilentSessionIsClosedWith1001AfterTheIdleTimeoutAndItsTokenSaysTimeout() throws Exception {
        CompletableFuture<CancellationReason> why = new CompletableFuture<>();
        try (TestServer s = TestServer.start(c -> c.webSocketIdleTimeout(Duration.ofMillis(300)).webSocketPingInterval(Duration.ZERO),
                r -> r.ws("/ws", ws -> ws.onOpen(session -> session.cancellationToken().onCancel(why::complete))));
             RawWebSocket raw = RawWebSocket.open(s.port(), "/ws")) {
            RawWebSocket.Frame close = raw.read();
            assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(why.get(10, TimeUnit.SECONDS)).isEqualTo(CancellationReason.TIMEOUT);
            raw.close(1001, "");
            assertThat(raw.closedByServer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aClientWaitingForSlowCallbacksIsNotIdleEvenWhileReadingIsPaused() throws Exception {
        try (TestServer s = TestServer.start(c -> c.webSocketIdleTimeout(Duration.ofMillis(200)).webSocketPingInterval(Duration.ZERO),
                r -> r.ws("/ws", ws -> ws.onText((session, text) -> CompletableFuture.supplyAsync(() -> text,
                        CompletableFuture.delayedExecutor(text.equals("0") ? 1000 : 10, TimeUnit.MILLISECONDS)).thenCompose(session::sendText))));
             RawWebSocket raw = RawWebSocket.open(s.port(), "/ws")) {
            for (int i = 0; i < 30; i++) { // past the inbox's 16: reading pauses behind the first, slow, callback
                raw.text(Integer.toString(i));
            }
            for (int i = 0; i < 30; i++) {
                RawWebSocket.Frame f = raw.read();
                assertThat(f.opcode()).as("echo " + i + ", not a close").isEqualTo(RawWebSocket.TEXT);
                assertThat(f.text()).isEqualTo(Integer.toString(i));
            }
            RawWebSocket.Frame close = raw.read(); // then silent for real: closed as idle
            assertThat(close.closeCode()).isEqualTo(1001);
        }
    }

    @Test
    void theServerPingsAQuietSessionAndThePongsKeepItOpenPastTheIdleTimeout() throws Exception {
        try (TestServer s = TestServer.start(c -> c.webSocketIdleTimeout(Duration.ofMillis(400)).webSocketPingInterval(Duration.ofMillis(100)),
                r -> r.ws("/ws", ws -> ws.onText((session, text) -> session.sendText(text))));
             RawWebSocket raw = RawWebSocket.open(s.port(), "/ws")) {
            int pings = 0;
            while (pings < 8) { // 8 pings at 100 ms: twice the idle timeout
                RawWebSocket.Frame f = raw.read();
                assertThat(f.opcode()).as("a ping, not a close").isEqualTo(RawWebSocket.PING);
                raw.frame(true, RawWebSocket.PONG, f.payload());
                pings++;
            }
            raw.text("still here");
            assertThat(raw.readSkippingPings().text()).isEqualTo("still here");
        }
    }

    @Test
    void theServerAnswersEveryPingWithAPongOfTheSamePayload() throws Exception {
        try (TestServer s = TestServer.start(r -> r.ws("/ws", ws -> { }));
             RawWebSocket raw = RawWebSocket.open(s.port(), "/ws")) {
            raw.frame(true, RawWebSocket.PING, "are you there".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame pong = raw.read();
            assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
            assertThat(pong.text()).isEqualTo("are you there");
        }
    }

    @Test
    void sendsPastTheSendBufferFailFastWhileTheClientDoesNotRead() throws Exception {
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        CompletableFuture<Integer> acceptedBeforeRefusal = new CompletableFuture<>();
        try (TestServer s = TestServer.start(c -> c.webSocketSendBufferSize(256 * 1024),
                r -> r.ws("/ws", ws -> ws.onText((session, text) -> {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 10_000; i++) { // bounded: far more than socket buffers and the send buffer hold
                        CompletableFuture<Void> sent = session.sendBinary(chunk).toCompletableFuture();
                        if (sent.isCompletedExceptionally()) {
                            acceptedBeforeRefusal.complete(i);
                            sent.exceptionally(e -> {
                                refused.complete(e);
                                return null;
                            });
                            return null;
                        }
                    }
                    return null;
                })));
             RawWebSocket raw = RawWebSocket.open(s.port(), "/ws")) {
            raw.socket().setReceiveBufferSize(4096);
            raw.text("flood me");
            assertThat(refused.get(10, TimeUnit.SECONDS)).isInstanceOf(SendRejectedException.class).hasMessageContaining("send buffer is full");
            // the bound holds whatever the socket buffers took: a few MB at most, never all 10,000 chunks
            assertThat(acceptedBeforeRefusal.get()).isBetween(4, 400);
        }
    }

    @Test
    void aProducerThatStopsWhenTheSessionIsNotWritableResumesWhenTheClientHasRead() throws Exception {
        CompletableFuture<Integer> paused = new CompletableFuture<>();
        CompletableFuture<Void> resumed = new CompletableFuture<>();
        try (TestServer s = TestServer.start(c -> c.webSocketSendBufferSize(256 * 1024),
                r -> r.ws("/ws", ws -> ws.onText((session, text) -> {
                    byte[] chunk = new byte[16 * 1024];
                    int sent = 0;
                    while (session.isWritable() && sent < 10_000) { // bounded: the buffer fills long before
                        session.sendBinary(chunk);
                        sent++;
                    }
                    paused.complete(sent);
                    return session.whenWritable().thenRun(() -> resumed.complete(null));
                })));
             RawWebSocket raw = RawWebSocket.open(s.port(), "/ws")) {
            raw.socket().setReceiveBufferSize(4096);
            raw.text("produce");
            int sent = paused.get(10, TimeUnit.SECONDS);
            // the producer stopped on its own, long before its bound: the session said it was full. (Whether
            // it is still full now depends on how much the kernel's socket buffers took meanwhile: not asserted.)
            assertThat(sent).isLessThan(10_000);
            for (int i = 0; i < sent; i++) {
                assertThat(raw.read().opcode()).isEqualTo(RawWebSocket.BINARY);
            }
            resumed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void stoppingTheServerClosesSessionsWith1001AndWaitsForTheirOnClose() throws Exception {
        CompletableFuture<CancellationReason> why = new CompletableFuture<>();
        CompletableFuture<Integer> onClose = new CompletableFuture<>();
        TestServer s = TestServer.start(r -> r.ws("/ws", ws -> ws
                .onOpen(session -> session.cancellationToken().onCancel(why::complete))
                .onClose((session, code, reason) -> {
                    Thread.sleep(200); // cleanup that takes a while still runs before stop() returns
                    onClose.complete(code);
                })));
        Collector c = new Collector();
        connect(s, "/ws", c);
        Await.until(Duration.ofSeconds(5), () -> s.server.stats().webSockets().openSessions() == 1);
        s.close();
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).startsWith("1001");
        assertThat(why.get(1, TimeUnit.SECONDS)).isEqualTo(CancellationReason.SHUTDOWN);
        assertThat(onClose).as("onClose ran before stop() returned").isCompletedWithValue(1001);
    }
}
