package dev.baton.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a raw socket that writes whatever frames a test asks for, well-formed
 * or not (RFC 6455 5.2), and reads the server's frames one by one: what protocol-error tests need.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CONTINUATION = 0;
    public static final int CLOSE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** The server's answer to the handshake, head only. */
    public final String handshakeResponse;

    private RawWebSocket(Socket socket, String handshakeResponse) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.handshakeResponse = handshakeResponse;
    }

    /** Connects and handshakes on {@code path}; extra header lines (each ending in CRLF) are sent as given. */
    public static RawWebSocket open(int port, String path, String extraHeaders) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return new RawWebSocket(socket, readHead(socket.getInputStream()));
    }

    public static RawWebSocket open(int port, String path) throws IOException {
        return open(port, path, "");
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the handshake after: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public boolean upgraded() {
        return handshakeResponse.startsWith("HTTP/1.1 101 ");
    }

    public Socket socket() {
        return socket;
    }

    /** Sends one frame: {@code rsv} the three reserved bits (0..7), masked unless {@code masked} is false. */
    public RawWebSocket frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0xF));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            f.write(maskBit | 126);
            f.write(payload.length >> 8);
            f.write(payload.length & 0xFF);
        } else {
            f.write(maskBit | 127);
            long n = payload.length;
            for (int i = 7; i >= 0; i--) {
                f.write((int) (n >> (8 * i)) & 0xFF);
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            f.write(mask);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i % 4];
            }
        }
        f.write(body);
        out.write(f.toByteArray());
        out.flush();
        return this;
    }

    public RawWebSocket frame(boolean fin, int opcode, byte[] payload) throws IOException {
        return frame(fin, 0, opcode, payload, true);
    }

    public RawWebSocket text(String text) throws IOException {
        return frame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A close frame with {@code code} and {@code reason}; code -1 for an empty body. */
    public RawWebSocket close(int code, String reason) throws IOException {
        return frame(true, CLOSE, closeBody(code, reason));
    }

    public static byte[] closeBody(int code, String reason) {
        if (code < 0) {
            return new byte[0];
        }
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[2 + r.length];
        body[0] = (byte) (code >> 8);
        body[1] = (byte) code;
        System.arraycopy(r, 0, body, 2, r.length);
        return body;
    }

    /** A frame from the server. */
    public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** A close frame's code, 1005 when it has none. */
        public int closeCode() {
            return payload.length < 2 ? 1005 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        }
    }

    /** The next frame, or null if the server closed the connection first. */
    public Frame read() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = readByte();
        if ((b1 & 0x80) != 0) {
            throw new IOException("the server masked a frame");
        }
        long len = b1 & 0x7F;
        if (len == 126) {
            len = (long) readByte() << 8 | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = len << 8 | readByte();
            }
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("frame cut short");
        }
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0xF, payload);
    }

    /** The next frame that is not a ping (pings are answered), or null when the server closed. */
    public Frame readSkippingPings() throws IOException {
        while (true) {
            Frame f = read();
            if (f == null || f.opcode() != PING) {
                return f;
            }
            frame(true, PONG, f.payload());
        }
    }

    /** True if the server closes the TCP connection (after any frames) before the read timeout. */
    public boolean closedByServer(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        try {
            while (read() != null) {
                // frames after the close frame are not expected, but skipped
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("closed mid-frame");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
