package dev.baton.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON setup of Baton, used by the server for request and response bodies and by the
 * outbound client for what it sends and reads, unless an application gives its own mapper.
 * Lenient where peers evolve: unknown fields are ignored, a missing field takes its default.
 * Strict where a silent guess would change the data: no text after the value, no {@code 1.7}
 * read as {@code 1}, no {@code "3"} for a number or {@code 5} for a string (the server answers
 * each with 400; the client fails the read). Instants and dates as ISO-8601 text; Optional
 * fields in records and POJOs. (FAIL_ON_NULL_FOR_PRIMITIVES stays off: Jackson would refuse a
 * record whose int is absent.)
 *
 * <pre>{@code ObjectMapper json = JsonDefaults.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);}</pre>
 */
public final class JsonDefaults {

    private JsonDefaults() {
    }

    /** A new mapper with Baton's settings. */
    public static ObjectMapper mapper() {
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // numbers and booleans are not strings: {"name": 5} is refused, not read as "5"
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }
}
