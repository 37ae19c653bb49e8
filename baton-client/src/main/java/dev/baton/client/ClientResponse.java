package dev.baton.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.http.ContentCharset;
import dev.baton.http.Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Optional;

/**
 * A response: status, headers and a body that is either buffered (the default) or a stream
 * still arriving (when the call asked for {@link BodyReader#stream()}). Close a streamed one
 * you do not read to the end; closing a buffered one does nothing.
 *
 * <pre>{@code ClientResponse r = client.get(uri).send().toCompletableFuture().join(); if (r.isSuccess()) use(r.as(Gizmo.class));}</pre>
 */
public final class ClientResponse implements AutoCloseable {
    private final int status;
    private final Headers headers;
    private final byte[] body;
    private final InputStream stream;
    private final ObjectMapper json;

    private ClientResponse(int status, Headers headers, byte[] body, InputStream stream, ObjectMapper json) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.stream = stream;
        this.json = json;
    }

    /** A buffered response (interceptors that answer by themselves, tests). */
    public static ClientResponse of(int status, Headers headers, byte[] body, ObjectMapper json) {
        return new ClientResponse(status, headers, body == null ? new byte[0] : body, null, json);
    }

    /** A response whose body is read from {@code stream} as it arrives. */
    public static ClientResponse streamed(int status, Headers headers, InputStream stream, ObjectMapper json) {
        return new ClientResponse(status, headers, null, stream, json);
    }

    public int status() {
        return status;
    }

    /** True for 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public Headers headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return headers.first(name);
    }

    public boolean isStreamed() {
        return stream != null;
    }

    /** The buffered body bytes (shared, do not modify); throws for a streamed response. */
    public byte[] bytes() {
        if (stream != null) {
            throw new IllegalStateException("the body of this response is streamed: read it with stream()");
        }
        return body;
    }

    /**
     * The body decoded with the charset its Content-Type names, UTF-8 by default (the rule of
     * {@link ContentCharset}); throws IllegalStateException if it names one this JVM lacks.
     */
    public String text() {
        return new String(bytes(), charset());
    }

    /** The body parsed as JSON. */
    public <T> T as(Class<T> type) {
        try {
            return json.readValue(bytes(), type);
        } catch (IOException e) {
            throw new HttpClientException("cannot read the response body as " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The body parsed as JSON into a generic type. */
    public <T> T as(TypeReference<T> type) {
        try {
            return json.readValue(bytes(), type);
        } catch (IOException e) {
            throw new HttpClientException("cannot read the response body as " + type.getType() + ": " + e.getMessage(), e);
        }
    }

    /** The body as a stream; for a streamed response, reads block until data arrives (not on an event loop). */
    public InputStream stream() {
        return stream != null ? stream : new ByteArrayInputStream(body);
    }

    /** Releases a streamed body not read to its end (its connection is closed); a no-op when buffered. */
    @Override
    public void close() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Charset charset() {
        String type = headers.first("Content-Type").orElse(null);
        try {
            return ContentCharset.of(type);
        } catch (UnsupportedCharsetException e) {
            throw new IllegalStateException("the response's Content-Type (" + type + ") names charset " + e.getCharsetName()
                    + ", which this JVM does not support: read bytes() instead", e);
        }
    }

    @Override
    public String toString() {
        return "ClientResponse[" + status + (stream != null ? " streamed" : " " + body.length + " bytes") + "]";
    }
}
