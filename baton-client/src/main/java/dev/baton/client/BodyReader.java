package dev.baton.client;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.InputStream;

/**
 * Turns a successful response into a value for {@link Call#send(BodyReader)}. A non-2xx status
 * never reaches a reader: the call fails with {@link HttpStatusException} instead.
 *
 * <pre>{@code import static dev.baton.client.BodyReader.as;
 * CompletionStage<Gizmo> g = client.get(uri).send(as(Gizmo.class));}</pre>
 */
@FunctionalInterface
public interface BodyReader<T> {

    T read(ClientResponse response) throws Exception;

    /** True if the body must not be buffered (see {@link #stream()}). */
    default boolean streaming() {
        return false;
    }

    /** The body parsed as JSON. */
    static <T> BodyReader<T> as(Class<T> type) {
        return r -> r.as(type);
    }

    /** The body parsed as JSON into a generic type, e.g. {@code new TypeReference<List<Gizmo>>() {}}. */
    static <T> BodyReader<T> as(TypeReference<T> type) {
        return r -> r.as(type);
    }

    static BodyReader<String> text() {
        return ClientResponse::text;
    }

    static BodyReader<byte[]> bytes() {
        return ClientResponse::bytes;
    }

    /** Ignores the body (success only). */
    static BodyReader<Void> discard() {
        return r -> null;
    }

    /**
     * The body as an {@link InputStream} handed over as soon as the head arrives; reads block
     * until data arrives, so read it on a worker or virtual thread. The connection stops
     * reading from the socket while the stream's buffer is full (backpressure). Close it.
     */
    static BodyReader<InputStream> stream() {
        return new BodyReader<>() {
            @Override
            public InputStream read(ClientResponse response) {
                return response.stream();
            }

            @Override
            public boolean streaming() {
                return true;
            }
        };
    }
}
