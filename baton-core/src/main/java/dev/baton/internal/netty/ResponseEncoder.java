package dev.baton.internal.netty;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.http.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Writes a whole response, head and body, into one buffer: one write, no intermediate header
 * map, and every line the server adds (status, Date, Server, Content-Type, Content-Length)
 * copied from pre-encoded bytes. Header names and values were validated when the response was
 * built. Streamed bodies follow their head chunk by chunk ({@link StreamSink}).
 */
final class ResponseEncoder {
    private static final int MAX_CACHED_TYPES = 64;
    private static final int MAX_CACHED_LENGTH = 8192;
    private static final AtomicReferenceArray<byte[]> STATUS_LINES = new AtomicReferenceArray<>(1000);
    private static final AtomicReferenceArray<byte[]> LENGTH_LINES = new AtomicReferenceArray<>(MAX_CACHED_LENGTH + 1);
    private static final ConcurrentHashMap<String, byte[]> TYPE_LINES = new ConcurrentHashMap<>();
    private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
    private static final byte[] CONTENT_TYPE = ascii("content-type: ");
    private static final byte[] CLOSE = ascii("connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("connection: keep-alive\r\n");
    private static final byte[] CHUNKED = ascii("transfer-encoding: chunked\r\n");
    private static final byte[] EVENT_STREAM = ascii("cache-control: no-cache\r\nx-accel-buffering: no\r\n");
    private static final byte[] SERVER_TIMING = ascii("server-timing: ");
    private static final short CRLF = ('\r' << 8) | '\n';
    private static final byte[] COLON_SPACE = ascii(": ");

    /** What the connection adds to every response it writes. */
    record Framing(boolean close, boolean http10, byte[] serverLine, String serverTiming) {
    }

    private ResponseEncoder() {
    }

    /** The "server: NAME" line, or null when the server sends none. */
    static byte[] serverLine(String name) {
        return name == null || name.isEmpty() ? null : ascii("server: " + name + "\r\n");
    }

    /**
     * Encodes {@code r}, an EMPTY, BYTES or JSON response ({@code json} holds the serialized JSON
     * body and is released here). For HEAD the head says what GET would and no body follows.
     */
    static ByteBuf full(ByteBufAllocator alloc, Response r, ByteBuf json, boolean head, Framing framing) {
        int status = r.status();
        boolean bodyAllowed = status >= 200 && status != 204 && status != 304;
        byte[] bytes = r.bodyKind() == Response.BodyKind.BYTES ? (byte[]) r.body() : null;
        int length = bytes != null ? bytes.length : json != null ? json.readableBytes() : 0;
        boolean writeBody = bodyAllowed && !head && length > 0;
        ByteBuf out = alloc.buffer(160 + (writeBody ? length : 0) + 48 * r.headers().size());
        try {
            writeStatusAndHeaders(out, r, framing);
            if (bodyAllowed) {
                if (r.contentType() != null && r.bodyKind() != Response.BodyKind.EMPTY) {
                    out.writeBytes(typeLine(r.contentType()));
                }
                writeLength(out, length);
            }
            writeFraming(out, framing, false);
            if (writeBody) {
                if (bytes != null) {
                    out.writeBytes(bytes);
                } else {
                    out.writeBytes(json, json.readerIndex(), length);
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            if (json != null) {
                json.release();
            }
        }
    }

    /** The head of a streamed response: chunked on HTTP/1.1, delimited by close on HTTP/1.0. */
    static ByteBuf streamHead(ByteBufAllocator alloc, Response r, Framing framing) {
        ByteBuf out = alloc.buffer(256 + 48 * r.headers().size());
        writeStatusAndHeaders(out, r, framing);
        out.writeBytes(typeLine(r.contentType()));
        if (r.bodyKind() == Response.BodyKind.EVENTS) {
            out.writeBytes(EVENT_STREAM);
        }
        writeFraming(out, framing, !framing.http10());
        return out;
    }

    /** JSON straight into a pooled buffer, on the thread that completes the response. */
    static ByteBuf serializeJson(Object value, ByteBufAllocator alloc, ObjectMapper json) throws IOException {
        ByteBuf buf = alloc.buffer(128);
        try (var out = new ByteBufOutputStream(buf)) {
            json.writeValue((OutputStream) out, value);
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private static void writeStatusAndHeaders(ByteBuf out, Response r, Framing framing) {
        out.writeBytes(statusLine(r.status()));
        for (Map.Entry<String, String> h : r.headers()) {
            String name = h.getKey();
            if (isServerOwned(name, framing.serverLine() != null)) {
                continue; // framing and the fields below are the server's to set
            }
            ByteBufUtil.writeAscii(out, name);
            out.writeBytes(COLON_SPACE);
            ByteBufUtil.writeAscii(out, h.getValue());
            out.writeShort(CRLF);
        }
    }

    private static void writeFraming(ByteBuf out, Framing framing, boolean chunked) {
        if (chunked) {
            out.writeBytes(CHUNKED);
        }
        out.writeBytes(DateHeader.line());
        if (framing.serverLine() != null) {
            out.writeBytes(framing.serverLine());
        }
        if (framing.close()) {
            out.writeBytes(CLOSE);
        } else if (framing.http10()) {
            out.writeBytes(KEEP_ALIVE);
        }
        if (framing.serverTiming() != null) {
            out.writeBytes(SERVER_TIMING);
            ByteBufUtil.writeAscii(out, framing.serverTiming());
            out.writeShort(CRLF);
        }
        out.writeShort(CRLF);
    }

    private static boolean isServerOwned(String name, boolean serverHeader) {
        return switch (name.length()) {
            case 4 -> name.equalsIgnoreCase("date");
            case 6 -> serverHeader && name.equalsIgnoreCase("server");
            case 10 -> name.equalsIgnoreCase("connection");
            case 14 -> name.equalsIgnoreCase("content-length");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            default -> false;
        };
    }

    private static byte[] statusLine(int status) {
        byte[] line = STATUS_LINES.get(status);
        if (line == null) {
            HttpResponseStatus s = HttpResponseStatus.valueOf(status);
            line = ascii("HTTP/1.1 " + status + " " + s.reasonPhrase() + "\r\n");
            STATUS_LINES.set(status, line);
        }
        return line;
    }

    private static void writeLength(ByteBuf out, int length) {
        if (length <= MAX_CACHED_LENGTH) {
            byte[] line = LENGTH_LINES.get(length);
            if (line == null) {
                line = ascii("content-length: " + length + "\r\n");
                LENGTH_LINES.set(length, line);
            }
            out.writeBytes(line);
        } else {
            out.writeBytes(CONTENT_LENGTH);
            ByteBufUtil.writeAscii(out, Integer.toString(length));
            out.writeShort(CRLF);
        }
    }

    private static byte[] typeLine(String type) {
        byte[] line = TYPE_LINES.get(type);
        if (line != null) {
            return line;
        }
        line = concat(CONTENT_TYPE, ascii(type + "\r\n"));
        if (TYPE_LINES.size() < MAX_CACHED_TYPES) { // an application inventing types per request must not grow it
            TYPE_LINES.putIfAbsent(type, line);
        }
        return line;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Header text as the wire has it: one byte per char (ISO-8859-1, as Netty's encoder does). */
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
