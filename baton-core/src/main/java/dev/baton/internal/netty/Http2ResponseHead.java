package dev.baton.internal.netty;

import dev.baton.http.Response;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Locale;
import java.util.Map;

/**
 * A response's HEADERS on HTTP/2: {@code :status}, the response's own fields in lowercase, and the
 * fields the server adds (content-type, content-length, date, server, server-timing). Fields that
 * are HTTP/1 framing or connection-specific are never sent (RFC 9113 8.2.2).
 */
final class Http2ResponseHead {
    private static final AsciiString DATE = AsciiString.cached("date");
    private static final AsciiString SERVER = AsciiString.cached("server");
    private static final AsciiString SERVER_TIMING = AsciiString.cached("server-timing");
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString CACHE_CONTROL = AsciiString.cached("cache-control");
    private static final AsciiString NO_CACHE = AsciiString.cached("no-cache");
    private static volatile Date date = new Date(null, null);

    private record Date(byte[] line, AsciiString value) {
    }

    private final AsciiString serverName;

    /** {@code serverName}: the Server field's value, empty for none. */
    Http2ResponseHead(String serverName) {
        this.serverName = serverName == null || serverName.isEmpty() ? null : new AsciiString(serverName);
    }

    /**
     * The head of {@code r}; {@code contentLength}: the body's length, -1 for a streamed body (DATA
     * frames until END_STREAM frame it).
     */
    Http2Headers of(Response r, long contentLength, String serverTiming) {
        int status = r.status();
        Http2Headers h = new DefaultHttp2Headers(false, r.headers().size() + 6);
        h.status(HttpResponseStatus.valueOf(status).codeAsText());
        for (Map.Entry<String, String> field : r.headers()) {
            String name = field.getKey().toLowerCase(Locale.ROOT);
            if (!isServerOwned(name)) {
                h.add(name, field.getValue());
            }
        }
        boolean content = !ResponseEncoder.hasNoLengthFields(status) && status != 205;
        if (content && r.contentType() != null && (contentLength != 0 || r.bodyKind() != Response.BodyKind.EMPTY)) {
            h.set(CONTENT_TYPE, r.contentType());
        }
        if (content && r.bodyKind() == Response.BodyKind.EVENTS && !h.contains(CACHE_CONTROL)) {
            h.set(CACHE_CONTROL, NO_CACHE);
        }
        if (status == 205) {
            h.setInt(CONTENT_LENGTH, 0);
        } else if (content && contentLength >= 0) {
            h.setLong(CONTENT_LENGTH, contentLength);
        }
        h.set(DATE, date());
        if (serverName != null) {
            h.set(SERVER, serverName);
        }
        if (serverTiming != null) {
            h.set(SERVER_TIMING, serverTiming);
        }
        return h;
    }

    /** The same text as HTTP/1's Date line, made once a second. */
    private static AsciiString date() {
        byte[] line = DateHeader.line();
        Date d = date;
        if (d.line != line) {
            // "date: " ... "\r\n"
            d = new Date(line, new AsciiString(line, 6, line.length - 8, true));
            date = d;
        }
        return d.value;
    }

    /** Framing, connection-specific fields (RFC 9113 8.2.2) and what the server sets itself. */
    private boolean isServerOwned(String name) {
        return switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te",
                 "content-length", "date" -> true;
            case "server" -> serverName != null;
            default -> false;
        };
    }
}
