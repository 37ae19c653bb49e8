package dev.baton.openapi.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyMetadata;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.http.Problem;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * JSON Schemas (draft 2020-12, as OpenAPI 3.1 takes them) of Java types, as the server's Jackson
 * mapper writes and reads them: property names, ignored properties and descriptions come from
 * Jackson's own introspection. Records and POJOs become named components, referenced with
 * {@code $ref}; everything else is inline. Not thread-safe: one per document.
 */
public final class Schemas {
    static final String PROBLEM = "Problem";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper json;
    /** Component schemas by name, sorted: the same routes give the same document, byte for byte. */
    private final Map<String, ObjectNode> components = new TreeMap<>();
    private final Map<JavaType, String> names = new HashMap<>();

    public Schemas(ObjectMapper json) {
        this.json = json;
        components.put(PROBLEM, problem());
        names.put(json.constructType(Problem.class), PROBLEM);
    }

    /** The component schemas made so far, by name. */
    public Map<String, ObjectNode> components() {
        return components;
    }

    /** The schema of {@code type}: inline, or a {@code $ref} to its component. */
    public ObjectNode of(Type type) {
        return of(json.constructType(type));
    }

    /**
     * The schema of a path, query or header parameter: a text type's, an array of them for a
     * {@code List<T>}, the element's for an {@code Optional<T>}; a value type read through its
     * {@code valueOf(String)} or {@code parse(CharSequence)} is a string.
     */
    public ObjectNode ofText(Type type) {
        JavaType t = json.constructType(type);
        if (t.getRawClass() == Optional.class || t.isReferenceType()) {
            t = content(t);
        }
        if (t.isCollectionLikeType() || t.isArrayType()) {
            return typed("array").set("items", text(content(t)));
        }
        return text(t);
    }

    private ObjectNode text(JavaType t) {
        ObjectNode scalar = scalar(t.getRawClass());
        if (scalar != null) {
            return scalar;
        }
        return t.isEnumType() ? enumeration(t.getRawClass(), false) : typed("string");
    }

    /** A reference to the RFC 9457 problem schema. */
    public static ObjectNode problemRef() {
        return ref(PROBLEM);
    }

    ObjectNode of(JavaType type) {
        Class<?> raw = type.getRawClass();
        ObjectNode scalar = scalar(raw);
        if (scalar != null) {
            return scalar;
        }
        if (raw == Optional.class || type.isReferenceType()) {
            return of(content(type));
        }
        if (raw.isEnum()) {
            return enumeration(raw, true);
        }
        if (type.isArrayType() || type.isCollectionLikeType()) {
            ObjectNode s = typed("array").set("items", of(content(type)));
            if (Set.class.isAssignableFrom(raw)) {
                s.put("uniqueItems", true);
            }
            return s;
        }
        if (type.isMapLikeType()) {
            return typed("object").set("additionalProperties", of(content(type)));
        }
        if (raw == Object.class || JsonNode.class.isAssignableFrom(raw) || raw.isPrimitive() || raw.isInterface()
                && bean(type).isEmpty()) {
            return NODES.objectNode(); // any JSON value
        }
        return ref(component(type));
    }

    private JavaType content(JavaType type) {
        JavaType c = type.getContentType();
        if (c == null && type.containedTypeCount() > 0) {
            c = type.containedType(0);
        }
        return c != null ? c : json.constructType(Object.class);
    }

    /** The component's name, made (with its properties' components) on first use. */
    private String component(JavaType type) {
        String known = names.get(type);
        if (known != null) {
            return known;
        }
        String name = nameOf(type);
        names.put(type, name);
        components.put(name, NODES.objectNode()); // a placeholder: a type may refer to itself
        ObjectNode s = typed("object");
        ObjectNode properties = s.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (BeanPropertyDefinition p : bean(type)) {
            ObjectNode property = of(p.getPrimaryType());
            PropertyMetadata meta = p.getMetadata();
            if (meta.getDescription() != null) {
                property = withDescription(property, meta.getDescription());
            }
            if (required(type.getRawClass(), p)) {
                required.add(p.getName());
            } else if (!p.getRawPrimaryType().isPrimitive()) {
                property = orNull(property); // an empty Optional, or a null, is written as null
            }
            properties.set(p.getName(), property);
        }
        if (!required.isEmpty()) {
            s.set("required", required);
        }
        components.put(name, s);
        return name;
    }

    /** The JSON properties of a record or POJO, as Jackson writes them, then any it only reads. */
    private List<BeanPropertyDefinition> bean(JavaType type) {
        Map<String, BeanPropertyDefinition> all = new LinkedHashMap<>();
        BeanDescription written = json.getSerializationConfig().introspect(type);
        for (BeanPropertyDefinition p : written.findProperties()) {
            if (p.couldSerialize()) {
                all.putIfAbsent(p.getName(), p);
            }
        }
        if (!type.isInterface() && !type.isAbstract()) {
            BeanDescription read = json.getDeserializationConfig().introspect(type);
            for (BeanPropertyDefinition p : read.findProperties()) {
                if (p.couldDeserialize()) {
                    all.putIfAbsent(p.getName(), p);
                }
            }
        }
        return new ArrayList<>(all.values());
    }

    /**
     * Required: a primitive, anything marked {@code @JsonProperty(required = true)}, and every
     * other property but an {@code Optional} and one marked {@code @Nullable} (any annotation of
     * that simple name, on the field, record component, accessor or its type).
     */
    private static boolean required(Class<?> owner, BeanPropertyDefinition p) {
        Class<?> raw = p.getRawPrimaryType();
        if (raw.isPrimitive() || Boolean.TRUE.equals(p.getMetadata().getRequired())) {
            return true;
        }
        if (raw == Optional.class || raw == OptionalInt.class || raw == OptionalLong.class || raw == OptionalDouble.class) {
            return false;
        }
        return !nullable(owner, p);
    }

    private static boolean nullable(Class<?> owner, BeanPropertyDefinition p) {
        List<AnnotatedElement> places = new ArrayList<>();
        if (p.getAccessor() != null && p.getAccessor().getAnnotated() instanceof java.lang.reflect.Method m) {
            places.add(m);
            places.add(m.getAnnotatedReturnType());
        }
        if (p.getField() != null && p.getField().getAnnotated() instanceof Field f) {
            places.add(f);
            places.add(f.getAnnotatedType());
        }
        if (owner.isRecord()) {
            for (RecordComponent c : owner.getRecordComponents()) {
                if (c.getName().equals(p.getInternalName())) {
                    places.add(c);
                    places.add(c.getAnnotatedType());
                }
            }
        }
        for (AnnotatedElement e : places) {
            for (Annotation a : e.getAnnotations()) {
                if (a.annotationType().getSimpleName().equals("Nullable")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code Gizmo}, {@code Page_Gizmo} for a generic type; the qualified name when two types share one. */
    private String nameOf(JavaType type) {
        String simple = simpleName(type, false);
        if (!components.containsKey(simple)) {
            return simple;
        }
        String qualified = simpleName(type, true);
        String name = qualified;
        for (int i = 2; components.containsKey(name); i++) {
            name = qualified + "_" + i;
        }
        return name;
    }

    private static String simpleName(JavaType type, boolean qualified) {
        Class<?> raw = type.getRawClass();
        StringBuilder b = new StringBuilder(qualified ? raw.getName().replace('$', '.') : raw.getSimpleName());
        for (int i = 0; i < type.containedTypeCount(); i++) {
            JavaType arg = type.containedType(i);
            b.append('_').append(arg.isArrayType() || arg.isCollectionLikeType() ? "List_" + simpleName(arg.getContentType(), false)
                    : simpleName(arg, false));
        }
        return b.toString().replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * An enum's values: as JSON names them ({@code @JsonProperty} on a constant renames it), or
     * as a path, query or header parameter takes them, by constant name (in any case).
     */
    private static ObjectNode enumeration(Class<?> type, boolean asJson) {
        ArrayNode values = NODES.arrayNode();
        for (Object constant : type.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            JsonProperty renamed = null;
            try {
                renamed = asJson ? type.getField(name).getAnnotation(JsonProperty.class) : null;
            } catch (NoSuchFieldException e) {
                // not a constant's field: its name it is
            }
            values.add(renamed != null && !renamed.value().isEmpty() ? renamed.value() : name);
        }
        return typed("string").set("enum", values);
    }

    /** The schema of a type JSON writes as one value; null for others. */
    private static ObjectNode scalar(Class<?> raw) {
        if (raw == String.class || raw == CharSequence.class) {
            return typed("string");
        } else if (raw == boolean.class || raw == Boolean.class) {
            return typed("boolean");
        } else if (raw == int.class || raw == Integer.class || raw == OptionalInt.class) {
            return format("integer", "int32");
        } else if (raw == long.class || raw == Long.class || raw == OptionalLong.class) {
            return format("integer", "int64");
        } else if (raw == short.class || raw == Short.class) {
            return format("integer", "int32").put("minimum", Short.MIN_VALUE).put("maximum", Short.MAX_VALUE);
        } else if (raw == byte.class || raw == Byte.class) {
            return format("integer", "int32").put("minimum", Byte.MIN_VALUE).put("maximum", Byte.MAX_VALUE);
        } else if (raw == BigInteger.class) {
            return typed("integer");
        } else if (raw == double.class || raw == Double.class || raw == OptionalDouble.class) {
            return format("number", "double");
        } else if (raw == float.class || raw == Float.class) {
            return format("number", "float");
        } else if (raw == BigDecimal.class) {
            return typed("number");
        } else if (raw == char.class || raw == Character.class) {
            return typed("string").put("minLength", 1).put("maxLength", 1);
        } else if (raw == UUID.class) {
            return format("string", "uuid");
        } else if (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
            return format("string", "date-time");
        } else if (raw == LocalDate.class) {
            return format("string", "date");
        } else if (raw == LocalDateTime.class) {
            // RFC 3339's date-time has an offset, which this has not
            return typed("string").put("pattern", "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$");
        } else if (raw == LocalTime.class) {
            return typed("string").put("pattern", "^\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$");
        } else if (raw == Duration.class) {
            return format("string", "duration");
        } else if (raw == URI.class || raw == URL.class) {
            return format("string", "uri");
        } else if (raw == byte[].class) {
            return typed("string").put("contentEncoding", "base64");
        } else if (raw == void.class || raw == Void.class) {
            return typed("null");
        }
        return null;
    }

    /** RFC 9457 problem details; an extension member may appear beside the standard ones. */
    private static ObjectNode problem() {
        ObjectNode s = typed("object").put("description", "RFC 9457 problem details, sent as application/problem+json");
        ObjectNode p = s.putObject("properties");
        p.set("type", format("string", "uri-reference").put("default", "about:blank")
                .put("description", "a URI naming the problem type; about:blank when the status says it all"));
        p.set("title", typed("string").put("description", "the status's reason phrase, or a summary of the type"));
        p.set("status", format("integer", "int32").put("minimum", 400).put("maximum", 599)
                .put("description", "the response's status"));
        p.set("detail", typed("string").put("description", "what went wrong with this request, for a person"));
        p.set("instance", format("string", "uri-reference").put("description", "the request's path"));
        s.putArray("required").add("status");
        return s;
    }

    /** {@code schema} or JSON's null. */
    private static ObjectNode orNull(ObjectNode schema) {
        if (schema.isEmpty()) {
            return schema; // already anything
        }
        if (schema.has("$ref")) {
            ObjectNode either = NODES.objectNode();
            either.putArray("anyOf").add(schema).addObject().put("type", "null");
            return either;
        }
        ObjectNode s = schema.deepCopy();
        if (s.get("type") instanceof com.fasterxml.jackson.databind.node.TextNode t) {
            s.putArray("type").add(t.asText()).add("null");
        }
        if (s.get("enum") instanceof ArrayNode values) {
            values.addNull();
        }
        return s;
    }

    private static ObjectNode withDescription(ObjectNode schema, String description) {
        if (schema.has("$ref")) {
            // beside $ref, 3.1 allows sibling keywords: the reference stays whole
            return schema.deepCopy().put("description", description);
        }
        return schema.put("description", description);
    }

    static ObjectNode ref(String component) {
        return NODES.objectNode().put("$ref", "#/components/schemas/" + component);
    }

    static ObjectNode typed(String type) {
        return NODES.objectNode().put("type", type);
    }

    private static ObjectNode format(String type, String format) {
        return typed(type).put("format", format);
    }

}
