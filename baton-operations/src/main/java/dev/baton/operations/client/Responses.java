package dev.baton.operations.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.client.ClientResponse;
import dev.baton.client.HttpStatusException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reading the responses the follow gets, whether buffered or streamed. */
final class Responses {
    private Responses() {
    }

    /** The whole body (a streamed one is read to its end: the follow's thread may block). */
    static byte[] bytes(ClientResponse r) {
        if (!r.isStreamed()) {
            return r.bytes();
        }
        try (InputStream in = r.stream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A non-2xx answer as baton-client's exception (the type every Baton caller already handles),
     * the problem's detail in its message: a problem+json {@code detail} or {@code title}, a
     * guidelines-style {@code error.message}, else the start of the text.
     */
    static HttpStatusException statusError(ObjectMapper mapper, ClientResponse r, String doing) {
        String why;
        if (r.isStreamed()) {
            r.close();
            why = "";
        } else {
            try {
                JsonNode body = r.bytes().length == 0 ? null : mapper.readTree(r.bytes());
                JsonNode detail = body == null ? null : body.has("detail") ? body.get("detail")
                        : body.has("title") ? body.get("title") : body.path("error").get("message");
                why = detail != null && detail.isTextual() ? ": " + detail.asText() : "";
            } catch (IOException e) {
                String text = r.text().strip();
                why = text.isEmpty() ? "" : ": " + (text.length() <= 300 ? text : text.substring(0, 300) + "...");
            }
        }
        return new HttpStatusException(r, doing + " answered " + r.status() + why);
    }
}
