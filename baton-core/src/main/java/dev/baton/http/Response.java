package dev.baton.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A complete response: status, headers and one body (bytes, text, JSON, a stream or an event
 * stream). Immutable; made through {@link #status(int)} or the shortcuts.
 *
 * <pre>{@code return Response.status(201).header("Location", "/gizmos/" + id).json(gizmo);}</pre>
 */
public final class Response {
    /** What kind of body the response carries. */
    public enum BodyKind { EMPTY, BYTES, JSON, STREAM, EVENTS, FILE, UPGRADE }

    private final int status;
    private final List<Map.Entry<String, String>> headers;
    private final String contentType;
    private final BodyKind kind;
    private final Object body;

    private Response(int status, List<Map.Entry<String, String>> headers, String contentType, BodyKind kind, Object body) {
        this.status = status;
        this.headers = headers.isEmpty() ? List.of() : List.copyOf(headers);
        this.contentType = contentType;
        this.kind = kind;
        this.body = body;
    }

    public static Builder status(int status) {
        return new Builder(status);
    }

    public static Builder ok() {
        return new Builder(200);
    }

    /** A response with a body of bytes and its type; the array is not copied. The shortest path for adapters. */
    public static Response of(int status, String contentType, byte[] body) {
        return new Response(status, List.of(), FieldSyntax.value("Content-Type", contentType), BodyKind.BYTES, body);
    }

    /**
     * A {@code 101 Switching Protocols} after which the connection speaks {@code upgrade}'s
     * protocol: what a WebSocket route's handshake answers (register one with
     * {@code routing.ws(...)}; the body is the server's own and not for applications).
     */
    public static Response switchingProtocols(Object upgrade) {
        return new Response(101, List.of(), null, BodyKind.UPGRADE, java.util.Objects.requireNonNull(upgrade, "upgrade"));
    }

    public static Response text(String text) {
        return ok().text(text);
    }

    public static Response json(Object value) {
        return new Response(200, List.of(), "application/json", BodyKind.JSON, value);
    }

    public static Response noContent() {
        return status(204).build();
    }

    public int status() {
        return status;
    }

    /** Headers set by the application, in order (Content-Type is separate). */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** A copy with one more header, checked as {@link Builder#header} checks it. */
    public Response withHeader(String name, Object value) {
        String v = FieldSyntax.value(FieldSyntax.name(name), String.valueOf(value));
        if (name.equalsIgnoreCase("content-type")) {
            return new Response(status, headers, v, kind, body);
        }
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, v));
        return new Response(status, more, contentType, kind, body);
    }

    /** A copy without header {@code name} (any case); this response if it has none. */
    public Response withoutHeader(String name) {
        if (header(name) == null) {
            return this;
        }
        List<Map.Entry<String, String>> fewer = new ArrayList<>(headers);
        fewer.removeIf(h -> h.getKey().equalsIgnoreCase(name));
        return new Response(status, fewer, contentType, kind, body);
    }

    /** A copy with the same status, headers and type, and {@code bytes} as its body (not copied). */
    public Response withBytes(byte[] bytes) {
        return new Response(status, headers, contentType, BodyKind.BYTES, bytes);
    }

    /** A copy with the same status, headers and type, and a streamed body. */
    public Response withStream(BodyStream stream) {
        return new Response(status, headers, contentType, BodyKind.STREAM, stream);
    }

    /** The Content-Type, or null for an empty body. */
    public String contentType() {
        return contentType;
    }

    public BodyKind bodyKind() {
        return kind;
    }

    /**
     * For BYTES: {@code byte[]}; JSON: the value to serialize; STREAM: {@link BodyStream}; EVENTS:
     * {@link EventStream}; FILE: {@link FileBody}; UPGRADE: the server's.
     */
    public Object body() {
        return body;
    }

    @Override
    public String toString() {
        return "Response[" + status + " " + kind + (contentType == null ? "" : " " + contentType) + "]";
    }

    /** Builds a {@link Response}; each body method ends the chain. */
    public static final class Builder {
        private final int status;
        private List<Map.Entry<String, String>> headers = List.of(); // a list only once a header is added
        private String contentType;

        private Builder(int status) {
            // 1xx are interim: the server sends 100 Continue itself; a handler's answer is final (RFC 9110 15)
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("a response status must be 200..599, got " + status);
            }
            this.status = status;
        }

        /**
         * Adds a header; {@code Content-Type} set here replaces the body's default. The server
         * owns the framing fields (Content-Length, Transfer-Encoding, Connection) and Date.
         *
         * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF,
         *         NUL or another control character
         */
        public Builder header(String name, Object value) {
            String v = FieldSyntax.value(FieldSyntax.name(name), String.valueOf(value));
            if (name.equalsIgnoreCase("content-type")) {
                contentType = v;
            } else {
                if (headers.isEmpty()) {
                    headers = new ArrayList<>(4);
                }
                headers.add(Map.entry(name, v));
            }
            return this;
        }

        public Builder contentType(String type) {
            contentType = FieldSyntax.value("Content-Type", type);
            return this;
        }

        /** No body. */
        public Response build() {
            return new Response(status, headers, null, BodyKind.EMPTY, null);
        }

        public Response text(String text) {
            return bytes(text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
        }

        public Response html(String html) {
            return bytes(html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
        }

        /** A body of bytes; the array is not copied, so do not change it afterwards. */
        public Response bytes(byte[] body, String defaultType) {
            return new Response(status, headers, FieldSyntax.value("Content-Type", type(defaultType)), BodyKind.BYTES, body);
        }

        /** A body serialized to JSON by the server's Jackson mapper when written. */
        public Response json(Object value) {
            return new Response(status, headers, type("application/json"), BodyKind.JSON, value);
        }

        /**
         * A problem details body. Its {@code status} member is made this response's status, as
         * RFC 9457 3.1.2 requires: {@code Response.status(400).problem(Problem.of(409, "x"))} sends 400 in both.
         */
        public Response problem(Problem problem) {
            return new Response(status, headers, type(Problem.CONTENT_TYPE), BodyKind.JSON, problem.withStatus(status));
        }

        /** A body written piece by piece with chunked transfer coding. */
        public Response stream(String defaultType, BodyStream stream) {
            return new Response(status, headers, FieldSyntax.value("Content-Type", type(defaultType)), BodyKind.STREAM, stream);
        }

        /**
         * A part of a file, sent with its length (zero-copy where the connection allows). The
         * file is opened when the response is written; one that shrank by then cuts the connection.
         */
        public Response file(FileBody file, String defaultType) {
            return new Response(status, headers, FieldSyntax.value("Content-Type", type(defaultType)), BodyKind.FILE, file);
        }

        /** A {@code text/event-stream} of Server-Sent Events. */
        public Response events(EventStream stream) {
            return new Response(status, headers, "text/event-stream; charset=utf-8", BodyKind.EVENTS, stream);
        }

        private String type(String defaultType) {
            return contentType != null ? contentType : defaultType;
        }
    }
}
