package dev.baton.internal.netty;

import dev.baton.http.Response;
import java.nio.charset.StandardCharsets;

/** Turns a handler's plain return value into a {@link Response}. */
final class ResultAdapter {
    private ResultAdapter() {
    }

    static Response toResponse(Object value) {
        if (value == null) {
            return Response.noContent();
        }
        if (value instanceof Response r) {
            return r;
        }
        if (value instanceof CharSequence s) {
            return Response.ok().bytes(s.toString().getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
        }
        if (value instanceof byte[] b) {
            return Response.ok().bytes(b, "application/octet-stream");
        }
        if (value instanceof java.util.Optional<?> o) {
            return o.isPresent() ? toResponse(o.get()) : ErrorMapping.problem(404, "not found", null);
        }
        return Response.json(value);
    }
}
