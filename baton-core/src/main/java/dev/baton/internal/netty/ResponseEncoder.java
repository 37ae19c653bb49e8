package dev.baton.internal.netty;

import dev.baton.http.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Writes a whole response, head and body, into one buffer: one write, no intermediate header
 * map, and every line the server adds (status, Date, Server, Content-Type, Content-Length)
 * copied from pre-encoded bytes. The head is assembled in a per-thread array and copied into
 * the (direct) buffer in one go. Header names and values were validated when the response was
 * built. Streamed bodies follow their head chunk by chunk ({@link StreamSink}).
 */
final class ResponseEncoder {
    private static final int MAX_CACHED_TYPES = 64;
    private static final int MAX_CACHED_LENGTH = 8192;
    private static final AtomicReferenceArray<byte[]> STATUS_LINES = new AtomicReferenceArray<>(1000);
    private static final AtomicReferenceArray<byte[]> LENGTH_LINES = new AtomicReferenceArray<>(MAX_CACHED_LENGTH + 1);
    private static final ConcurrentHashMap<String, byte[]> TYPE_LINES = new ConcurrentHashMap<>();
    private static final byte[] CONTENT_TYPE = ascii("content-type: ");
    private static final byte[] CLOSE = ascii("connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("connection: keep-alive\r\n");
    private static final byte[] CHUNKED = ascii("transfer-encoding: chunked\r\n");
    private static final byte[] EVENT_STREAM = ascii("cache-control: no-cache\r\nx-accel-buffering: no\r\n");
    private static final byte[] SERVER_TIMING = ascii("server-timing: ");
    private static final byte[] CRLF = {'\r', '\n'};
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
     * body). For HEAD the head says what GET would and no body follows.
     */
    static ByteBuf full(ByteBufAllocator alloc, Response r, byte[] json, boolean head, Framing framing) {
        int status = r.status();
        // 204 and 304 carry no length fields at all; 205 says "content-length: 0" (RFC 9110 15.3.6)
        boolean framed = !hasNoLengthFields(status);
        byte[] body = status == 205 ? null : r.bodyKind() == Response.BodyKind.BYTES ? (byte[]) r.body() : json;
        // a file's bytes follow the head as their own message (see ResponseWriter)
        boolean file = status != 205 && r.bodyKind() == Response.BodyKind.FILE;
        long length = file ? ((dev.baton.http.FileBody) r.body()).length() : body == null ? 0 : body.length;
        boolean writeBody = framed && !head && length > 0 && !file;
        HeadBuilder h = HeadBuilder.get();
        statusAndHeaders(h, r, framing);
        if (framed) {
            if (r.contentType() != null && (body != null || file) && r.bodyKind() != Response.BodyKind.EMPTY) {
                h.put(typeLine(r.contentType()));
            }
            h.put(lengthLine(length));
        }
        framing(h, framing, false);
        ByteBuf out = alloc.buffer(h.length() + (writeBody ? body.length : 0));
        h.writeTo(out);
        if (writeBody) {
            out.writeBytes(body);
        }
        return out;
    }

    /** 204 and 304 responses end with their head: no content, and no field that frames any. */
    static boolean hasNoLengthFields(int status) {
        return status == 204 || status == 304;
    }

    /**
     * The head of a streamed response: chunked on HTTP/1.1, delimited by close on HTTP/1.0. A
     * status that allows no content (204, 205, 304) gets a head that ends the message.
     */
    static ByteBuf streamHead(ByteBufAllocator alloc, Response r, Framing framing) {
        HeadBuilder h = HeadBuilder.get();
        statusAndHeaders(h, r, framing);
        int status = r.status();
        boolean content = !hasNoLengthFields(status) && status != 205;
        if (r.contentType() != null && content) {
            h.put(typeLine(r.contentType()));
        }
        if (r.bodyKind() == Response.BodyKind.EVENTS && content) {
            h.put(EVENT_STREAM);
        }
        if (status == 205) {
            h.put(lengthLine(0));
        }
        framing(h, framing, content && !framing.http10());
        ByteBuf out = alloc.buffer(h.length());
        h.writeTo(out);
        return out;
    }

    private static void statusAndHeaders(HeadBuilder h, Response r, Framing framing) {
        h.put(statusLine(r.status()));
        for (Map.Entry<String, String> field : r.headers()) {
            String name = field.getKey();
            if (isServerOwned(name, framing.serverLine() != null)) {
                continue; // framing and the fields below are the server's to set
            }
            h.putLatin1(name).put(COLON_SPACE).putLatin1(field.getValue()).put(CRLF);
        }
    }

    private static void framing(HeadBuilder h, Framing framing, boolean chunked) {
        if (chunked) {
            h.put(CHUNKED);
        }
        h.put(DateHeader.line());
        if (framing.serverLine() != null) {
            h.put(framing.serverLine());
        }
        if (framing.close()) {
            h.put(CLOSE);
        } else if (framing.http10()) {
            h.put(KEEP_ALIVE);
        }
        if (framing.serverTiming() != null) {
            h.put(SERVER_TIMING).putLatin1(framing.serverTiming()).put(CRLF);
        }
        h.put(CRLF);
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
            line = ascii("HTTP/1.1 " + status + " " + dev.baton.http.Status.reason(status) + "\r\n");
            STATUS_LINES.set(status, line);
        }
        return line;
    }

    private static byte[] lengthLine(long length) {
        if (length > MAX_CACHED_LENGTH) {
            return ascii("content-length: " + length + "\r\n");
        }
        byte[] line = LENGTH_LINES.get((int) length);
        if (line == null) {
            line = ascii("content-length: " + length + "\r\n");
            LENGTH_LINES.set((int) length, line);
        }
        return line;
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
