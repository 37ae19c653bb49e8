package dev.baton.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP/2 client over a raw socket that builds its frames by hand (HPACK by Netty's encoder), for
 * what no well-behaved client sends: floods, malformed heads, resets. It opens with the preface
 * and a SETTINGS that lifts its own flow-control windows, so that the server's answers never wait
 * on it; reads frames one by one.
 */
public final class RawH2 implements AutoCloseable {
    public static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9;
    public static final int END_STREAM = 0x1, END_HEADERS = 0x4, ACK = 0x1;
    public static final int NO_ERROR = 0, PROTOCOL_ERROR = 1, FLOW_CONTROL_ERROR = 3, REFUSED_STREAM = 7, CANCEL = 8, ENHANCE_YOUR_CALM = 0xb;

    /** One frame read; {@code headers} decoded for HEADERS. */
    public record Frame(int type, int flags, int streamId, byte[] payload, Http2Headers headers) {
        public boolean endStream() {
            return (flags & END_STREAM) != 0 && (type == DATA || type == HEADERS);
        }

        /** The error code of RST_STREAM or GOAWAY. */
        public int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xff) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8) | (payload[at + 3] & 0xff);
        }
    }

    /** A whole response of one stream. */
    public record Answer(Http2Headers headers, String body, Integer resetCode) {
        public int status() {
            return Integer.parseInt(headers.status().toString());
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, 1 << 20);
    private final int port;
    private int nextStream = 1;
    /** Frames read for streams other than the one awaited. */
    private final Map<Integer, List<Frame>> pending = new HashMap<>();

    /** How long a read waits for a frame from now on. */
    public void readTimeout(Duration value) throws IOException {
        socket.setSoTimeout((int) value.toMillis());
    }

    public RawH2(int port) throws IOException {
        this(port, Duration.ofSeconds(10));
    }

    public RawH2(int port, Duration readTimeout) throws IOException {
        this(port, readTimeout, 0);
    }

    /** {@code receiveBuffer}: the socket's receive buffer in bytes (small: a client that reads slowly), 0 for the default. */
    public RawH2(int port, Duration readTimeout, int receiveBuffer) throws IOException {
        this(port, readTimeout, receiveBuffer, true);
    }

    /**
     * {@code liftWindows}: false keeps HTTP/2's default windows of 65535 bytes, for a test that
     * grants the server more with {@link #windowUpdate} as it reads.
     */
    public RawH2(int port, Duration readTimeout, int receiveBuffer, boolean liftWindows) throws IOException {
        this.port = port;
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (liftWindows) {
            // SETTINGS_INITIAL_WINDOW_SIZE = 2^31-1, and the connection's window as large
            frame(SETTINGS, 0, 0, new byte[] {0, 4, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            windowUpdate(0, Integer.MAX_VALUE - 65_535);
        } else {
            frame(SETTINGS, 0, 0, new byte[0]);
        }
    }

    public int port() {
        return port;
    }

    /** The next client stream id (odd, increasing). */
    public int nextStreamId() {
        int id = nextStream;
        nextStream += 2;
        return id;
    }

    public static Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers(false).method(method).scheme("http").path(path).authority("localhost");
    }

    public byte[] encode(int streamId, Http2Headers headers) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            encoder.encodeHeaders(streamId, headers, buf);
            return ByteBufUtil.getBytes(buf);
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            buf.release();
        }
    }

    /** A HEADERS frame with END_HEADERS; returns its stream id. */
    public int headers(int streamId, Http2Headers headers, boolean endStream) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, encode(streamId, headers));
        return streamId;
    }

    /**
     * A HEADERS frame whose fields are sent exactly in the order given (name, value, name, value...),
     * each an HPACK literal with a new name: the way to send what an encoder would reorder or refuse.
     */
    public int literalHeaders(int streamId, boolean endStream, String... nameValues) throws IOException {
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
            block.writeBytes(literal(nameValues[i], nameValues[i + 1]));
        }
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, block.toByteArray());
        return streamId;
    }

    /** One field as an HPACK literal without indexing, with a new name (RFC 7541 6.2.2). */
    public static byte[] literal(String name, String value) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0);
        string(out, name);
        string(out, value);
        return out.toByteArray();
    }

    private static void string(java.io.ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        int n = b.length;
        if (n < 127) {
            out.write(n);
        } else { // 7-bit prefix integer (RFC 7541 5.1)
            out.write(127);
            n -= 127;
            while (n >= 128) {
                out.write((n & 0x7f) | 0x80);
                n >>>= 7;
            }
            out.write(n);
        }
        out.write(b, 0, b.length);
    }

    /** A new stream asking {@code method path}; its id. */
    public int send(String method, String path) throws IOException {
        return headers(nextStreamId(), request(method, path), true);
    }

    public void data(int streamId, byte[] bytes, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, streamId, bytes);
    }

    public void rst(int streamId, int code) throws IOException {
        frame(RST_STREAM, 0, streamId, int32(code));
    }

    public void windowUpdate(int streamId, int increment) throws IOException {
        frame(WINDOW_UPDATE, 0, streamId, int32(increment));
    }

    public void ping(byte[] eight) throws IOException {
        frame(PING, 0, 0, eight);
    }

    /** Any frame, as given: the way to send what a codec would refuse to. */
    public void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        out.write(framed(type, flags, streamId, payload));
        out.flush();
    }

    /** A frame's bytes: the 9-byte header (RFC 9113 4.1), then the payload. */
    private static byte[] framed(int type, int flags, int streamId, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) ((streamId >>> 24) & 0x7f);
        f[6] = (byte) (streamId >>> 16);
        f[7] = (byte) (streamId >>> 8);
        f[8] = (byte) streamId;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** The same frame {@code count} times, written in large batches: a flood at socket speed. */
    public void repeat(int type, int flags, int streamId, byte[] payload, int count) throws IOException {
        byte[] one = framed(type, flags, streamId, payload);
        int perBatch = Math.max(1, 64 * 1024 / one.length);
        byte[] batch = new byte[perBatch * one.length];
        for (int i = 0; i < perBatch; i++) {
            System.arraycopy(one, 0, batch, i * one.length, one.length);
        }
        for (int sent = 0; sent < count; sent += perBatch) {
            out.write(batch, 0, Math.min(perBatch, count - sent) * one.length);
        }
        out.flush();
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The next frame, or null once the server closed the connection. SETTINGS and PING are acked as they come. */
    public Frame read() throws IOException {
        byte[] head = new byte[9];
        try {
            in.readFully(head);
        } catch (EOFException | SocketException e) {
            return null;
        }
        int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
        int type = head[3] & 0xff;
        int flags = head[4] & 0xff;
        int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
        byte[] payload = new byte[length];
        try {
            in.readFully(payload);
        } catch (EOFException | SocketException e) {
            return null;
        }
        Http2Headers headers = null;
        if (type == HEADERS) {
            ByteBuf block = Unpooled.wrappedBuffer(payload);
            try {
                headers = decoder.decodeHeaders(stream, block);
            } catch (Http2Exception e) {
                throw new IOException(e);
            }
        } else if (type == SETTINGS && (flags & ACK) == 0) {
            try {
                frame(SETTINGS, ACK, 0, new byte[0]);
            } catch (IOException e) {
                // the server is closing on us: what it sent is still to be read
            }
        }
        return new Frame(type, flags, stream, payload, headers);
    }

    /** Reads frames until the connection closes or the read times out; the first GOAWAY among them, or null. */
    public Frame awaitGoAway() throws IOException {
        Frame goAway = null;
        try {
            Frame f;
            while ((f = read()) != null) {
                if (f.type() == GOAWAY && goAway == null) {
                    goAway = f;
                }
            }
        } catch (SocketTimeoutException e) {
            return goAway;
        }
        return goAway;
    }

    /** Whether the server closed the connection (reading until the timeout at most). */
    public boolean closedByServer() throws IOException {
        try {
            while (read() != null) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** The whole response of stream {@code id}: its head, its body as text, or its reset's code. */
    public Answer answer(int id) throws IOException {
        Http2Headers headers = null;
        StringBuilder body = new StringBuilder();
        List<Frame> mine = new ArrayList<>(pending.getOrDefault(id, List.of()));
        pending.remove(id);
        int i = 0;
        while (true) {
            Frame f = i < mine.size() ? mine.get(i++) : read();
            if (f == null) {
                throw new EOFException("connection closed before stream " + id + " ended");
            }
            if (f.streamId() != id) {
                if (f.streamId() != 0) {
                    pending.computeIfAbsent(f.streamId(), k -> new ArrayList<>()).add(f);
                }
                continue;
            }
            if (f.type() == RST_STREAM) {
                return new Answer(headers, body.toString(), f.errorCode());
            }
            if (f.type() == HEADERS && headers == null) {
                headers = f.headers();
            } else if (f.type() == DATA) {
                body.append(new String(f.payload(), StandardCharsets.UTF_8));
            }
            if (f.endStream()) {
                return new Answer(headers, body.toString(), null);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
