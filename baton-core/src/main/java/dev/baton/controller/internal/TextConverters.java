package dev.baton.controller.internal;

import dev.baton.http.Param;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Converts the text of a path, query or header value to a parameter's type, through {@link Param}
 * so that a bad value is the same 400 problem a functional handler gets.
 */
final class TextConverters {
    private static final Map<Class<?>, Function<Param, Object>> KNOWN = new HashMap<>();

    static {
        known(Param::asString, String.class, CharSequence.class);
        known(Param::asInt, int.class, Integer.class);
        known(Param::asLong, long.class, Long.class);
        known(Param::asDouble, double.class, Double.class);
        known(Param::asBoolean, boolean.class, Boolean.class);
        known(Param::asUuid, UUID.class);
        known(Param::asDate, LocalDate.class);
        known(p -> p.as("an integer from -32768 to 32767", Short::parseShort), short.class, Short.class);
        known(p -> p.as("an integer from -128 to 127", Byte::parseByte), byte.class, Byte.class);
        known(p -> p.as("a finite number", v -> {
            float f = new BigDecimal(v).floatValue(); // decimal notation only, as Param.asDouble
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException(v);
            }
            return f;
        }), float.class, Float.class);
        known(p -> p.as("a single character", TextConverters::single), char.class, Character.class);
        known(p -> p.as("a decimal number", BigDecimal::new), BigDecimal.class);
        known(p -> p.as("an integer", BigInteger::new), BigInteger.class);
        known(p -> p.as("an ISO-8601 instant (2024-01-31T10:15:30Z)", Instant::parse), Instant.class);
        known(p -> p.as("an ISO-8601 date-time (2024-01-31T10:15:30)", LocalDateTime::parse), LocalDateTime.class);
        known(p -> p.as("an ISO-8601 time (10:15:30)", LocalTime::parse), LocalTime.class);
        known(p -> p.as("an ISO-8601 date-time with offset (2024-01-31T10:15:30+01:00)", OffsetDateTime::parse),
                OffsetDateTime.class);
        known(p -> p.as("an ISO-8601 date-time with zone (2024-01-31T10:15:30Z)", ZonedDateTime::parse),
                ZonedDateTime.class);
        known(p -> p.as("an ISO-8601 duration (PT30S)", Duration::parse), Duration.class);
    }

    private static void known(Function<Param, Object> converter, Class<?>... types) {
        for (Class<?> t : types) {
            KNOWN.put(t, converter);
        }
    }

    private TextConverters() {
    }

    /** The converter for {@code type}, or null when text cannot become one. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Function<Param, Object> forType(Class<?> type) {
        Function<Param, Object> known = KNOWN.get(type);
        if (known != null) {
            return known;
        }
        if (type.isEnum()) {
            Class<? extends Enum> e = (Class<? extends Enum>) type;
            return p -> p.asEnum(e);
        }
        return factoryOf(type);
    }

    private static Character single(String s) {
        if (s.length() != 1) {
            throw new IllegalArgumentException(s);
        }
        return s.charAt(0);
    }

    /** A value type with {@code valueOf(String)}, {@code parse(CharSequence)}, {@code of(String)} or a String constructor. */
    private static Function<Param, Object> factoryOf(Class<?> type) {
        if (type.isPrimitive() || type.isArray() || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            return null;
        }
        MethodHandle factory = null;
        for (String name : new String[] {"valueOf", "parse", "of"}) {
            for (Class<?> arg : new Class<?>[] {String.class, CharSequence.class}) {
                factory = factory != null ? factory : factory(type, name, arg);
            }
        }
        // a record with one String component is more likely a JSON body than a value type
        if (factory == null && !type.isRecord()) {
            factory = factory(type, null, String.class);
        }
        if (factory == null) {
            return null;
        }
        MethodHandle parse = factory.asType(MethodType.methodType(Object.class, String.class));
        String expected = "a valid " + type.getSimpleName();
        return p -> p.as(expected, text -> {
            try {
                return parse.invokeExact(text);
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalArgumentException(t);
            }
        });
    }

    /** The static factory {@code name(arg)} returning {@code type}, or the constructor when name is null; null if none. */
    private static MethodHandle factory(Class<?> type, String name, Class<?> arg) {
        try {
            Executable e = name == null ? type.getDeclaredConstructor(arg) : type.getDeclaredMethod(name, arg);
            if (e instanceof Method m && (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != type)
                    || !e.trySetAccessible()) {
                return null;
            }
            return e instanceof Method m ? MethodHandles.lookup().unreflect(m)
                    : MethodHandles.lookup().unreflectConstructor((Constructor<?>) e);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
