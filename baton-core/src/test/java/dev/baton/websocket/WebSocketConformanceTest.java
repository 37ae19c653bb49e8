package dev.baton.websocket;

import static dev.baton.support.RawWebSocket.BINARY;
import static dev.baton.support.RawWebSocket.CLOSE;
import static dev.baton.support.RawWebSocket.CONTINUATION;
import static dev.baton.support.RawWebSocket.PING;
import static dev.baton.support.RawWebSocket.PONG;
import static dev.baton.support.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.RawWebSocket;
import dev.baton.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Autobahn-style conformance (the Autobahn testsuite itself, wstest, needs Python 2 and is not
 * installable here): each case writes frames over a raw socket to an echo route and expects
 * either the echoes (then a clean 1000 close handshake) or the server's close frame with one of
 * the allowed codes followed by the TCP close. Sections follow Autobahn's: framing, ping/pong,
 * reserved bits, opcodes, fragmentation, UTF-8, close handling, limits.
 */
class WebSocketConformanceTest {
    static final int MAX_FRAME = 100_000;
    static final int MAX_MESSAGE = 200_000;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.webSocketMaxFrameSize(MAX_FRAME).webSocketMaxMessageSize(MAX_MESSAGE)
                        .webSocketPingInterval(Duration.ZERO),
                r -> r.ws("/echo", ws -> ws
                        .onText((session, text) -> session.sendText(text))
                        .onBinary((session, data) -> session.sendBinary(data))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What the client writes. */
    @FunctionalInterface
    interface Script {
        void run(RawWebSocket ws) throws Exception;
    }

    /** A frame the server must send back: opcode and payload. */
    record Reply(int opcode, byte[] payload) {
        @Override
        public String toString() {
            return opcode + ":" + payload.length + "B";
        }
    }

    /** {@code replies}, then (closeCodes empty) a clean close; or the server's close with one of {@code closeCodes}. */
    record Case(String name, Script script, List<Reply> replies, Set<Integer> closeCodes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case echo(String name, Script script, Reply... replies) {
        return new Case(name, script, List.of(replies), Set.of());
    }

    static Case fails(String name, Script script, Integer... codes) {
        return new Case(name, script, List.of(), Set.of(codes));
    }

    static Case failsAfter(String name, Script script, List<Reply> replies, Integer... codes) {
        return new Case(name, script, replies, Set.of(codes));
    }

    static byte[] bytes(int n, char fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hex(String hex) {
        String h = hex.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static Reply text(byte[] payload) {
        return new Reply(TEXT, payload);
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // 1: framing, payload lengths around the 7-bit, 16-bit and 64-bit length encodings
        for (int n : new int[] {0, 125, 126, 127, 128, 65535, 65536, MAX_FRAME}) {
            c.add(echo("1.1 text of " + n + " bytes", ws -> ws.frame(true, TEXT, bytes(n, '*')), text(bytes(n, '*'))));
            c.add(echo("1.2 binary of " + n + " bytes", ws -> ws.frame(true, BINARY, bytes(n, (char) 0xFE)),
                    new Reply(BINARY, bytes(n, (char) 0xFE))));
        }
        // 2: ping and pong
        c.add(echo("2.1 empty ping", ws -> ws.frame(true, PING, new byte[0]), new Reply(PONG, new byte[0])));
        c.add(echo("2.3 ping of 125 bytes", ws -> ws.frame(true, PING, bytes(125, 'p')), new Reply(PONG, bytes(125, 'p'))));
        c.add(fails("2.5 ping of 126 bytes", ws -> ws.frame(true, PING, bytes(126, 'p')), 1002));
        c.add(echo("2.6 unsolicited pong is ignored", ws -> ws.frame(true, PONG, utf8("x")).text("after"), text(utf8("after"))));
        c.add(echo("2.10 ten pings, ten pongs", ws -> {
            for (int i = 0; i < 10; i++) {
                ws.frame(true, PING, utf8("p" + i));
            }
        }, Stream.iterate(0, i -> i + 1).limit(10).map(i -> new Reply(PONG, utf8("p" + i))).toArray(Reply[]::new)));
        // 3: reserved bits without an extension agreed
        for (int rsv = 1; rsv <= 7; rsv++) {
            int bits = rsv;
            c.add(fails("3." + rsv + " text with RSV " + rsv, ws -> ws.frame(true, bits, TEXT, utf8("x"), true), 1002));
        }
        c.add(fails("3.8 ping with RSV 4", ws -> ws.frame(true, 4, PING, utf8("x"), true), 1002));
        // 4: reserved opcodes
        for (int op : new int[] {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
            c.add(fails("4 reserved opcode " + op, ws -> ws.frame(true, 0, op, utf8("x"), true), 1002));
        }
        // 5: fragmentation
        c.add(echo("5.3 text in two fragments", ws -> ws.frame(false, TEXT, utf8("frag")).frame(true, CONTINUATION, utf8("ment")),
                text(utf8("fragment"))));
        c.add(echo("5.6 a ping between fragments is answered first", ws -> ws.frame(false, TEXT, utf8("a"))
                .frame(true, PING, utf8("mid")).frame(true, CONTINUATION, utf8("b")), new Reply(PONG, utf8("mid")), text(utf8("ab"))));
        c.add(echo("5.x binary in 100 one-byte fragments", ws -> {
            ws.frame(false, BINARY, utf8("0"));
            for (int i = 1; i < 99; i++) {
                ws.frame(false, CONTINUATION, utf8(Integer.toString(i % 10)));
            }
            ws.frame(true, CONTINUATION, utf8("9"));
        }, new Reply(BINARY, utf8("0123456789".repeat(10)))));
        c.add(echo("5.x empty final fragment", ws -> ws.frame(false, TEXT, utf8("x")).frame(true, CONTINUATION, new byte[0]),
                text(utf8("x"))));
        c.add(fails("5.1 fragmented ping", ws -> ws.frame(false, PING, utf8("a")).frame(true, CONTINUATION, utf8("b")), 1002));
        c.add(fails("5.9 continuation with nothing to continue", ws -> ws.frame(true, CONTINUATION, utf8("x")), 1002));
        c.add(fails("5.18 a new text frame inside a fragmented message",
                ws -> ws.frame(false, TEXT, utf8("a")).frame(true, TEXT, utf8("b")), 1002));
        // 6: UTF-8
        c.add(echo("6.2 valid multi-byte text", ws -> ws.frame(true, TEXT, utf8("κόσμε 𝄞")), text(utf8("κόσμε 𝄞"))));
        byte[] kosme = utf8("κόσμε");
        c.add(echo("6.4 valid text split inside a code point", ws -> ws.frame(false, TEXT, Arrays.copyOfRange(kosme, 0, 3))
                .frame(true, CONTINUATION, Arrays.copyOfRange(kosme, 3, kosme.length)), text(kosme)));
        c.add(fails("6.3 a lone 0xFF", ws -> ws.frame(true, TEXT, hex("41 FF 41")), 1007));
        c.add(fails("6.x an overlong slash", ws -> ws.frame(true, TEXT, hex("C0 AF")), 1007));
        c.add(fails("6.x a UTF-16 surrogate", ws -> ws.frame(true, TEXT, hex("ED A0 80")), 1007));
        c.add(fails("6.x a code point past U+10FFFF", ws -> ws.frame(true, TEXT, hex("F4 90 80 80")), 1007));
        c.add(fails("6.4 invalid sequence split across fragments", ws -> ws.frame(false, TEXT, hex("CE BA CE"))
                .frame(true, CONTINUATION, hex("41")), 1007));
        c.add(fails("6.x message ends inside a code point", ws -> ws.frame(false, TEXT, utf8("ok"))
                .frame(true, CONTINUATION, hex("E2 82")), 1007));
        // 7: close handling
        c.add(new Case("7.1 close without a code is echoed empty", ws -> ws.close(-1, ""), List.of(), Set.of(1005)));
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
            c.add(new Case("7.7 close " + code + " is echoed", ws -> ws.close(code, "reason"), List.of(), Set.of(code)));
        }
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            c.add(fails("7.9 close with invalid code " + code, ws -> ws.close(code, ""), 1002));
        }
        c.add(fails("7.3 close with a one-byte body", ws -> ws.frame(true, CLOSE, new byte[] {3}), 1002));
        c.add(new Case("7.5 close with a reason of 123 bytes", ws -> ws.close(1000, "r".repeat(123)), List.of(), Set.of(1000)));
        c.add(fails("7.x close with a 124-byte reason (control frame too long)", ws -> ws.close(1000, "r".repeat(124)), 1002));
        c.add(fails("7.5 close with an invalid UTF-8 reason",
                ws -> ws.frame(true, CLOSE, hex("03 E8 CE BA E1 BD B9 CF 83 CE BC CE B5 ED A0 80 65 64 69 74 65 64")), 1007));
        c.add(new Case("7.1 data after the close frame is ignored", ws -> ws.close(1000, "").text("too late"),
                List.of(), Set.of(1000)));
        // masking and limits
        c.add(fails("unmasked client frame", ws -> ws.frame(true, 0, TEXT, utf8("x"), false), 1002));
        c.add(fails("frame over the max frame size", ws -> ws.frame(true, BINARY, new byte[MAX_FRAME + 1]), 1009));
        c.add(fails("message over the max message size", ws -> ws.frame(false, BINARY, new byte[MAX_FRAME])
                .frame(false, CONTINUATION, new byte[MAX_FRAME]).frame(true, CONTINUATION, new byte[10]), 1009));
        return c.stream();
    }

    /**
     * Random frame sequences (seeded, so a failure replays): whatever a client sends, the server
     * answers only with well-formed unmasked frames, closes (if it does) with a code an endpoint
     * may send, always ends the connection once the client closes, and counts no session after.
     */
    @org.junit.jupiter.api.Test
    void randomFrameSequencesEndInAProperCloseAndLeaveNoSessionBehind() throws Exception {
        java.util.Random random = new java.util.Random(6455);
        int[] opcodes = {CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG, 3, 11};
        for (int run = 0; run < 300; run++) {
            try (RawWebSocket ws = RawWebSocket.open(server.port(), "/echo")) {
                String script = "run " + run + ":";
                try {
                    for (int f = random.nextInt(6); f >= 0; f--) {
                        int opcode = opcodes[random.nextInt(opcodes.length)];
                        boolean fin = random.nextInt(4) != 0;
                        int rsv = random.nextInt(10) == 0 ? 1 + random.nextInt(7) : 0;
                        boolean masked = random.nextInt(20) != 0;
                        byte[] payload = new byte[random.nextInt(4) == 0 ? random.nextInt(300) : random.nextInt(12)];
                        if (random.nextBoolean()) {
                            random.nextBytes(payload);
                        } else {
                            Arrays.fill(payload, (byte) 'a');
                        }
                        script += " " + opcode + (fin ? "F" : "") + (rsv != 0 ? "R" + rsv : "") + (masked ? "" : "U") + "/" + payload.length;
                        ws.frame(fin, rsv, opcode, payload, masked);
                    }
                    ws.close(1000, "");
                } catch (java.io.IOException closedAlready) {
                    // the server ended the connection in the middle of the script: fine
                }
                try {
                    RawWebSocket.Frame frame;
                    while ((frame = ws.read()) != null) {
                        if (frame.opcode() == CLOSE) {
                            assertThat(frame.closeCode()).as(script).satisfiesAnyOf(
                                    c -> assertThat(c).isEqualTo(1005),
                                    c -> assertThat(c).isBetween(1000, 1003),
                                    c -> assertThat(c).isBetween(1007, 1011),
                                    c -> assertThat(c).isBetween(3000, 4999));
                        } else {
                            assertThat(frame.opcode()).as(script).isIn(TEXT, BINARY, PONG);
                        }
                    }
                } catch (java.net.SocketException reset) {
                    // a reset after the server's close: the connection ended all the same
                } catch (java.net.SocketTimeoutException hang) {
                    throw new AssertionError(script + ": the server kept the connection open", hang);
                }
            }
        }
        dev.baton.testing.await.Await.until(Duration.ofSeconds(10), () -> server.server.stats().webSockets().openSessions() == 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theServerBehavesAsRfc6455Says(Case test) throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(server.port(), "/echo")) {
            assertThat(ws.upgraded()).as(ws.handshakeResponse).isTrue();
            test.script().run(ws);
            for (Reply expected : test.replies()) {
                RawWebSocket.Frame f = ws.read();
                assertThat(f).as("reply " + expected).isNotNull();
                assertThat(f.opcode()).as("opcode of " + expected).isEqualTo(expected.opcode());
                assertThat(f.fin()).isTrue();
                assertThat(f.payload()).as("payload of " + expected).isEqualTo(expected.payload());
            }
            boolean clientClosed = test.name().startsWith("7.") && !test.closeCodes().contains(1002) && !test.closeCodes().contains(1007);
            if (test.closeCodes().isEmpty()) {
                ws.close(1000, "done"); // the clean end of an echo case
            }
            RawWebSocket.Frame close = ws.read();
            assertThat(close).as("the server's close frame").isNotNull();
            assertThat(close.opcode()).isEqualTo(CLOSE);
            Set<Integer> expected = test.closeCodes().isEmpty() ? Set.of(1000) : test.closeCodes();
            assertThat(close.closeCode()).isIn(expected);
            if (!clientClosed && !test.closeCodes().isEmpty()) {
                try {
                    ws.close(1000, ""); // answer the server's close handshake
                } catch (java.io.IOException e) {
                    // the server closed at once after a protocol error: nothing to answer
                }
            }
            assertThat(ws.closedByServer(Duration.ofSeconds(5))).as("the server closes the TCP connection").isTrue();
        }
    }
}
