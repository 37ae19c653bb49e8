package dev.baton.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.RawH2;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2's known attacks, each driven with raw frames over a real socket: the server cuts the
 * offender (GOAWAY, RST_STREAM, or the connection closed) and goes on serving everyone else.
 */
class Http2AttackLimitsTest {

    /** A fresh connection is still served: the defence hurt only the offender. */
    private static void stillServes(TestServer s) throws IOException {
        try (RawH2 h2 = new RawH2(s.port())) {
            assertThat(h2.answer(h2.send("GET", "/x")).body()).isEqualTo("x");
        }
    }

    private static TestServer server(java.util.function.Consumer<dev.baton.ServerConfig.Builder> config) {
        CompletableFuture<String> never = new CompletableFuture<>();
        return TestServer.start(config, r -> {
            r.get("/x", ctx -> "x");
            r.get("/hang", ctx -> never);
        });
    }

    @Test
    void streamsPastTheConcurrencyLimitAreRefused() throws Exception {
        try (TestServer s = server(c -> c.http2MaxConcurrentStreams(2)); RawH2 h2 = new RawH2(s.port())) {
            RawH2.Frame settings = h2.read();
            assertThat(settings.type()).isEqualTo(RawH2.SETTINGS);
            assertThat(settingValue(settings.payload(), 3)).isEqualTo(2); // SETTINGS_MAX_CONCURRENT_STREAMS
            h2.send("GET", "/hang");
            h2.send("GET", "/hang");
            int third = h2.send("GET", "/hang");
            assertThat(h2.answer(third).resetCode()).isEqualTo(RawH2.REFUSED_STREAM);
            stillServes(s);
        }
    }

    @Test
    void aHeaderListOverTheLimitIsAnswered431() throws Exception {
        try (TestServer s = server(c -> c.maxHeaderSize(1024)); RawH2 h2 = new RawH2(s.port())) {
            RawH2.Answer a = h2.answer(h2.headers(h2.nextStreamId(), RawH2.request("GET", "/x").set("x-big", "a".repeat(1100)), true));
            assertThat(a.status()).isEqualTo(431);
            assertThat(h2.answer(h2.send("GET", "/x")).body()).isEqualTo("x"); // the connection goes on
        }
    }

    @Test
    void aRapidResetFloodIsCutWithEnhanceYourCalm() throws Exception {
        try (TestServer s = server(c -> c.http2MaxResetsPerWindow(50)); RawH2 h2 = new RawH2(s.port())) {
            boolean cut = cutWhileSending(h2, c -> {
                for (int i = 0; i < 1000; i++) { // CVE-2023-44487: open and cancel, over and over
                    c.rst(c.send("GET", "/x"), RawH2.CANCEL);
                }
            });
            assertCutWith(h2, cut, RawH2.ENHANCE_YOUR_CALM);
            stillServes(s);
        }
    }

    @Test
    void anEndlessContinuationIsCutAtTheHeaderListLimit() throws Exception {
        try (TestServer s = server(c -> c.maxHeaderSize(4096)); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.nextStreamId();
            byte[] block = h2.encode(id, RawH2.request("GET", "/x"));
            h2.frame(RawH2.HEADERS, 0, id, block); // no END_HEADERS
            boolean cut = cutWhileSending(h2, c -> {
                for (int i = 0; i < 10_000; i++) { // CVE-2024-27316: 10 MB of header block, never ended
                    c.frame(RawH2.CONTINUATION, 0, id, RawH2.literal("x-f" + i, "v".repeat(1000)));
                }
            });
            assertThat(cut || h2.closedByServer()).isTrue();
            stillServes(s);
        }
    }

    @Test
    void aFloodOfTinyContinuationFramesIsCut() throws Exception {
        try (TestServer s = server(c -> { }); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.nextStreamId();
            h2.frame(RawH2.HEADERS, 0, id, h2.encode(id, RawH2.request("GET", "/x")));
            boolean cut = cutWhileSending(h2, c -> c.repeat(RawH2.CONTINUATION, 0, id, new byte[0], 10_000));
            assertThat(cut || h2.closedByServer()).isTrue();
            stillServes(s);
        }
    }

    @Test
    void aSettingsFloodFromAClientThatDoesNotReadIsCut() throws Exception {
        assertFloodIsCut(h2 -> h2.repeat(RawH2.SETTINGS, 0, 0, new byte[0], 1_000_000));
    }

    @Test
    void aPingFloodFromAClientThatDoesNotReadIsCut() throws Exception {
        assertFloodIsCut(h2 -> h2.repeat(RawH2.PING, 0, 0, new byte[8], 1_000_000));
    }

    private interface FrameSender {
        void send(RawH2 h2) throws IOException;
    }

    /** Sends the attack; true if the server closed on us while it went on. */
    private static boolean cutWhileSending(RawH2 h2, FrameSender attack) {
        try {
            attack.send(h2);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** The server cut the offender: a GOAWAY with {@code code}, or at least the connection closed under the attack. */
    private static void assertCutWith(RawH2 h2, boolean cut, int code) throws IOException {
        RawH2.Frame goAway = h2.awaitGoAway();
        assertThat(cut || goAway != null).isTrue();
        if (goAway != null) {
            assertThat(goAway.errorCode()).isEqualTo(code);
        }
    }

    /** The client sends control frames whose acks it never reads, until the server cuts it. */
    private static void assertFloodIsCut(FrameSender sender) throws Exception {
        try (TestServer s = server(c -> c.http2MaxQueuedControlFrames(100)); RawH2 h2 = new RawH2(s.port(), Duration.ofSeconds(5), 4096)) {
            boolean cut = cutWhileSending(h2, sender); // a million frames, bounded
            assertThat(cut || h2.closedByServer()).isTrue();
            stillServes(s);
        }
    }

    @Test
    void aFloodOfEmptyDataFramesIsCutWithEnhanceYourCalm() throws Exception {
        try (TestServer s = server(c -> { }); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.headers(h2.nextStreamId(), RawH2.request("POST", "/x"), false);
            boolean cut = cutWhileSending(h2, c -> c.repeat(RawH2.DATA, 0, id, new byte[0], 10_000));
            assertCutWith(h2, cut, RawH2.ENHANCE_YOUR_CALM);
            stillServes(s);
        }
    }

    @Test
    void aConnectionWindowPushedPastItsMaximumIsAFlowControlError() throws Exception {
        try (TestServer s = server(c -> { }); RawH2 h2 = new RawH2(s.port())) {
            h2.windowUpdate(0, Integer.MAX_VALUE); // the window is 2^31-1 already: this overflows it
            RawH2.Frame goAway = h2.awaitGoAway();
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(RawH2.FLOW_CONTROL_ERROR);
            stillServes(s);
        }
    }

    @Test
    void aStreamWindowPushedPastItsMaximumResetsTheStream() throws Exception {
        try (TestServer s = server(c -> { }); RawH2 h2 = new RawH2(s.port())) {
            int id = h2.send("GET", "/hang");
            h2.windowUpdate(id, Integer.MAX_VALUE);
            assertThat(h2.answer(id).resetCode()).isEqualTo(RawH2.FLOW_CONTROL_ERROR);
            assertThat(h2.answer(h2.send("GET", "/x")).body()).isEqualTo("x");
        }
    }

    @Test
    void bodiesPastTheConnectionsBudgetAreRefusedAndTheOthersServed() throws Exception {
        try (TestServer s = TestServer.start(c -> c.http2MaxConnectionBodyBytes(1000), r -> r.post("/x", ctx -> ctx.request().body().length));
             RawH2 h2 = new RawH2(s.port())) {
            int first = h2.headers(h2.nextStreamId(), RawH2.request("POST", "/x"), false);
            h2.data(first, new byte[600], false);
            int second = h2.headers(h2.nextStreamId(), RawH2.request("POST", "/x"), false);
            h2.data(second, new byte[600], false); // 1200 bytes held: past the budget
            assertThat(h2.answer(second).resetCode()).isEqualTo(RawH2.REFUSED_STREAM);
            h2.data(first, new byte[300], true);
            assertThat(h2.answer(first).body()).isEqualTo("900");
            int third = h2.headers(h2.nextStreamId(), RawH2.request("POST", "/x"), false); // the budget is free again
            h2.data(third, new byte[900], true);
            assertThat(h2.answer(third).body()).isEqualTo("900");
        }
    }

    @Test
    void anIdleConnectionIsSentGoAwayAndClosed() throws Exception {
        try (TestServer s = server(c -> c.idleTimeout(Duration.ofMillis(300))); RawH2 h2 = new RawH2(s.port())) {
            assertThat(h2.answer(h2.send("GET", "/x")).body()).isEqualTo("x");
            RawH2.Frame goAway = h2.awaitGoAway();
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(RawH2.NO_ERROR);
            Await.until("connection closed", Duration.ofSeconds(5), () -> s.server.stats().openConnections() == 0);
        }
    }

    private static int settingValue(byte[] payload, int id) {
        for (int i = 0; i + 6 <= payload.length; i += 6) {
            int key = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
            if (key == id) {
                return ((payload[i + 2] & 0xff) << 24) | ((payload[i + 3] & 0xff) << 16) | ((payload[i + 4] & 0xff) << 8) | (payload[i + 5] & 0xff);
            }
        }
        return -1;
    }
}
