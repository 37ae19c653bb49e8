package dev.baton.internal.json;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.baton.http.HttpException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.StringJoiner;
import java.util.Collection;
import java.util.Map;

/**
 * Turns Jackson's refusal of a request body into a 400 whose detail says what is wrong and where
 * ({@code at 'items[2].size': expected an integer}) in the client's terms: JSON types and field
 * paths, never Java class names or Jackson's own wording.
 */
public final class JsonBodyProblems {
    private JsonBodyProblems() {
    }

    /** The 400 for {@code e}, met while reading a body meant to be {@code target}. */
    public static HttpException badRequest(JsonProcessingException e, Class<?> target) {
        return badRequest(e, name(target));
    }

    /** As above, for a target shown as {@code shown} ({@code List<Gizmo>}). */
    public static HttpException badRequest(JsonProcessingException e, String shown) {
        return new HttpException(400, describe(e, shown));
    }

    static String describe(JsonProcessingException e, String target) {
        String original = String.valueOf(e.getOriginalMessage());
        if (e instanceof StreamReadException || original.startsWith("Trailing token")) {
            return "malformed JSON body" + location(e.getLocation());
        }
        String where = e instanceof JsonMappingException m ? path(m) : "";
        return "the JSON body does not match " + target + (where.isEmpty() ? "" : " at '" + where + "'") + reason(e, original);
    }

    private static String reason(JsonProcessingException e, String original) {
        if (e instanceof PropertyBindingException p) {
            return ": unknown field '" + p.getPropertyName() + "'";
        }
        if (e instanceof ValueInstantiationException v && v.getCause() instanceof IllegalArgumentException iae
                && iae.getMessage() != null) {
            return ": " + iae.getMessage(); // the type's own validation (a record's compact constructor), meant for the caller
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            boolean isNull = original.startsWith("Cannot map `null`");
            return ": expected " + kind(m.getTargetType()) + (isNull ? ", not null" : "");
        }
        return "";
    }

    /** A JSON Pointer-like path: {@code items[2].size}. */
    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String location(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 0 ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    /** What a JSON value of {@code type} looks like, in JSON's words. */
    static String kind(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            return "an integer";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class
                || type == BigDecimal.class || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == char.class || type == Character.class || CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + jsonNames(type);
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        if (type.getName().startsWith("java.time.")) {
            return "a string in ISO-8601 form (" + type.getSimpleName() + ")";
        }
        if (type == java.util.UUID.class) {
            return "a UUID string (8-4-4-4-12 hex digits)";
        }
        if (type == java.net.URI.class || type == java.net.URL.class) {
            return "a URI string";
        }
        return "an object (" + name(type) + ")";
    }

    /** An enum's values as JSON spells them: a constant's {@code @JsonProperty} name wins over its Java name. */
    private static String jsonNames(Class<?> enumType) {
        StringJoiner names = new StringJoiner(", ", "[", "]");
        for (Object constant : enumType.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            try {
                JsonProperty p = enumType.getField(name).getAnnotation(JsonProperty.class);
                names.add(p != null && !p.value().isEmpty() ? p.value() : name);
            } catch (NoSuchFieldException e) {
                names.add(name);
            }
        }
        return names.toString();
    }

    /** The simple name only: a nested type shows as {@code Gizmo}, not {@code com.acme.Api$Gizmo}. */
    private static String name(Class<?> type) {
        return type == null ? "the expected type" : type.getSimpleName();
    }
}
