package dev.baton.operations.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baton.http.HttpException;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What a handler returned, as the JSON an operation stores: values as Jackson writes them, and a
 * {@link Response} by its body (JSON as JSON, text as a string, other bytes as base64). A
 * response with an error status is the operation failing with that status.
 */
final class ResultJson {
    private ResultJson() {
    }

    static JsonNode of(Object value, ObjectMapper json) throws IOException {
        if (value == null) {
            return NullNode.instance;
        }
        if (value instanceof Optional<?> o) {
            if (o.isEmpty()) {
                throw new HttpException(404, "not found");
            }
            return of(o.get(), json);
        }
        if (value instanceof CharSequence s) {
            return TextNode.valueOf(s.toString());
        }
        if (value instanceof byte[] b) {
            return BinaryNode.valueOf(b);
        }
        if (value instanceof Response r) {
            return ofResponse(r, json);
        }
        return json.valueToTree(value);
    }

    private static JsonNode ofResponse(Response r, ObjectMapper json) throws IOException {
        if (r.status() >= 400) {
            String detail = r.body() instanceof Problem p ? p.detail() : "the handler answered " + r.status();
            throw new HttpException(r.status(), detail == null ? "the handler answered " + r.status() : detail);
        }
        return switch (r.bodyKind()) {
            case EMPTY -> NullNode.instance;
            case JSON -> json.valueToTree(r.body());
            case BYTES -> {
                byte[] bytes = (byte[]) r.body();
                String type = r.contentType() == null ? "" : r.contentType().toLowerCase(Locale.ROOT);
                if (type.startsWith("application/json") || type.contains("+json")) {
                    yield json.readTree(bytes);
                }
                yield type.startsWith("text/") ? TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8)) : BinaryNode.valueOf(bytes);
            }
            case STREAM, EVENTS, FILE, UPGRADE -> throw new IllegalStateException(
                    "a streamed, file or upgraded response cannot be an operation's result: return a value or a complete response");
        };
    }
}
