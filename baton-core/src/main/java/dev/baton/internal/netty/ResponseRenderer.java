package dev.baton.internal.netty;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a {@link Response} into Netty messages. Runs on the thread that completes the response. */
final class ResponseRenderer {
    private static final Logger log = LoggerFactory.getLogger(ResponseRenderer.class);

    private ResponseRenderer() {
    }

    /** A complete response for an EMPTY, BYTES or JSON body. Never throws: a body that cannot be serialized becomes a 500. */
    static FullHttpResponse full(Response r, ByteBufAllocator alloc, ObjectMapper json, boolean head) {
        int status = r.status();
        boolean bodyAllowed = status >= 200 && status != 204 && status != 304;
        ByteBuf content;
        try {
            content = switch (r.bodyKind()) {
                case EMPTY -> null;
                case BYTES -> {
                    byte[] bytes = (byte[]) r.body();
                    yield alloc.buffer(bytes.length).writeBytes(bytes);
                }
                case JSON -> serialize(r.body(), alloc, json);
                case STREAM, EVENTS -> throw new IllegalStateException("streamed bodies are not full responses");
            };
        } catch (Exception e) {
            log.error("cannot serialize the {} body of a {} response", r.body() == null ? "null" : r.body().getClass().getName(), status, e);
            return full(Problem.of(500, "the response body could not be serialized").toResponse(), alloc, json, head);
        }
        int length = content == null ? 0 : content.readableBytes();
        if (content != null && (head || !bodyAllowed)) {
            content.release(); // HEAD keeps the length, not the bytes
            content = null;
        }
        FullHttpResponse msg = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                content == null ? Unpooled.EMPTY_BUFFER : content);
        HttpHeaders h = msg.headers();
        copyHeaders(r, h);
        if (bodyAllowed) {
            if (r.contentType() != null && r.bodyKind() != Response.BodyKind.EMPTY) {
                h.set(HttpHeaderNames.CONTENT_TYPE, HeaderValues.contentType(r.contentType()));
            }
            h.set(HttpHeaderNames.CONTENT_LENGTH, HeaderValues.length(length));
        }
        return msg;
    }

    /** JSON straight into a pooled buffer: no intermediate byte array. */
    private static ByteBuf serialize(Object value, ByteBufAllocator alloc, ObjectMapper json) throws java.io.IOException {
        ByteBuf buf = alloc.buffer(128);
        try (var out = new io.netty.buffer.ByteBufOutputStream(buf)) {
            json.writeValue((java.io.OutputStream) out, value);
            return buf;
        } catch (java.io.IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /** The head of a streamed response: chunked on HTTP/1.1, delimited by close on HTTP/1.0. */
    static HttpResponse streamHead(Response r, boolean http10) {
        HttpResponse msg = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()));
        HttpHeaders h = msg.headers();
        copyHeaders(r, h);
        h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        if (r.bodyKind() == Response.BodyKind.EVENTS) {
            h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            h.set("X-Accel-Buffering", "no");
        }
        if (!http10) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return msg;
    }

    private static void copyHeaders(Response r, HttpHeaders h) {
        for (Map.Entry<String, String> e : r.headers()) {
            h.add(e.getKey(), e.getValue());
        }
    }
}
