package dev.baton.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.RawWebSocket;
import dev.baton.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** permessage-deflate (RFC 7692), written and read by hand with the JDK's zlib over a raw socket. */
class WebSocketCompressionTest {
    static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

    static TestServer server(boolean compression) {
        return TestServer.start(c -> c.webSocketCompression(compression).webSocketMaxMessageSize(1024 * 1024),
                r -> r.ws("/echo", ws -> ws.onText((session, text) -> session.sendText(text))));
    }

    /** RFC 7692 7.2.1: deflate, sync flush, and drop the final 00 00 FF FF. */
    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buf, 0, n);
        }
        d.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    static byte[] inflate(byte[] data) throws Exception {
        Inflater i = new Inflater(true);
        byte[] tail = {0, 0, (byte) 0xFF, (byte) 0xFF};
        byte[] in = Arrays.copyOf(data, data.length + 4);
        System.arraycopy(tail, 0, in, data.length, 4);
        i.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = i.inflate(buf)) > 0) {
            out.write(buf, 0, n);
        }
        i.end();
        return out.toByteArray();
    }

    @Test
    void aClientThatOffersPermessageDeflateGetsCompressedEchoes() throws Exception {
        try (TestServer s = server(true); RawWebSocket ws = RawWebSocket.open(s.port(), "/echo", OFFER)) {
            assertThat(ws.handshakeResponse).containsIgnoringCase("Sec-WebSocket-Extensions: permessage-deflate");
            String text = "compress me, compress me, compress me, κόσμε";
            ws.frame(true, 4, RawWebSocket.TEXT, deflate(text.getBytes(StandardCharsets.UTF_8)), true); // RSV1: compressed
            RawWebSocket.Frame echo = ws.read();
            assertThat(echo.opcode()).isEqualTo(RawWebSocket.TEXT);
            assertThat(echo.rsv()).isEqualTo(4);
            assertThat(new String(inflate(echo.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
        }
    }

    @Test
    void aCompressedMessageThatInflatesPastTheMaxMessageSizeClosesWith1009() throws Exception {
        try (TestServer s = server(true); RawWebSocket ws = RawWebSocket.open(s.port(), "/echo", OFFER)) {
            byte[] bomb = deflate(new byte[8 * 1024 * 1024]); // 8 MiB of zeros in a few KB
            assertThat(bomb.length).isLessThan(64 * 1024);
            ws.frame(true, 4, RawWebSocket.TEXT, bomb, true);
            RawWebSocket.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1009);
            try {
                ws.close(1000, "");
            } catch (java.io.IOException e) {
                // closed already
            }
            assertThat(ws.closedByServer(Duration.ofSeconds(6))).isTrue();
        }
    }

    @Test
    void aCompressedFrameThatDoesNotInflateClosesWith1007() throws Exception {
        try (TestServer s = server(true); RawWebSocket ws = RawWebSocket.open(s.port(), "/echo", OFFER)) {
            ws.frame(true, 4, RawWebSocket.TEXT, new byte[] {(byte) 0xFF, (byte) 0xFF, 0x00, 0x12, 0x34}, true); // an invalid block type
            RawWebSocket.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void withCompressionOnTheOtherReservedBitsAreStillProtocolErrors() throws Exception {
        for (int rsv : new int[] {2, 1, 6}) { // RSV2, RSV3, RSV1 with RSV2
            try (TestServer s = server(true); RawWebSocket ws = RawWebSocket.open(s.port(), "/echo", OFFER)) {
                ws.frame(true, rsv, RawWebSocket.TEXT, deflate("x".getBytes(StandardCharsets.UTF_8)), true);
                RawWebSocket.Frame close = ws.read();
                assertThat(close).as("rsv " + rsv).isNotNull();
                assertThat(close.closeCode()).as("rsv " + rsv).isEqualTo(1002);
            }
        }
        try (TestServer s = server(true); RawWebSocket ws = RawWebSocket.open(s.port(), "/echo", OFFER)) {
            ws.frame(true, 4, RawWebSocket.PING, new byte[0], true); // RSV1 on a control frame
            assertThat(ws.read().closeCode()).isEqualTo(1002);
        }
        try (TestServer s = server(true); RawWebSocket ws = RawWebSocket.open(s.port(), "/echo", OFFER)) {
            byte[] half = deflate("two halves".getBytes(StandardCharsets.UTF_8));
            ws.frame(false, 4, RawWebSocket.TEXT, java.util.Arrays.copyOf(half, 3), true);
            ws.frame(true, 4, RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(half, 3, half.length), true); // RSV1 again
            assertThat(ws.read().closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void withCompressionOffTheOfferIsDeclinedAndACompressedFrameIsAProtocolError() throws Exception {
        try (TestServer s = server(false); RawWebSocket ws = RawWebSocket.open(s.port(), "/echo", OFFER)) {
            assertThat(ws.upgraded()).isTrue();
            assertThat(ws.handshakeResponse).doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
            ws.frame(true, 4, RawWebSocket.TEXT, deflate("x".getBytes(StandardCharsets.UTF_8)), true);
            assertThat(ws.read().closeCode()).isEqualTo(1002);
        }
    }
}
