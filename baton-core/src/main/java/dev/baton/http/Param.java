package dev.baton.http;

import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * A named request value (path, query or header) with typed accessors that answer a clear
 * 400 problem when the value is missing or malformed.
 *
 * <pre>{@code long ms = request.query("ms").asLong(500);}</pre>
 */
public final class Param {
    private final String kind;
    private final String name;
    private final String value;

    public Param(String kind, String name, String value) {
        this.kind = kind;
        this.name = name;
        this.value = value;
    }

    public String name() {
        return name;
    }

    public boolean isPresent() {
        return value != null;
    }

    public Optional<String> optional() {
        return Optional.ofNullable(value);
    }

    /** The raw value; 400 when absent. */
    public String asString() {
        return require();
    }

    public String asString(String orElse) {
        return value == null ? orElse : value;
    }

    public int asInt() {
        return convert("an integer", Integer::parseInt);
    }

    public int asInt(int orElse) {
        return value == null ? orElse : asInt();
    }

    public long asLong() {
        return convert("an integer", Long::parseLong);
    }

    public long asLong(long orElse) {
        return value == null ? orElse : asLong();
    }

    public double asDouble() {
        return convert("a finite number", Param::finite);
    }

    public boolean asBoolean() {
        return convert("true or false", v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(v);
        });
    }

    public UUID asUuid() {
        return convert("a UUID", Param::uuid);
    }

    public LocalDate asDate() {
        return convert("an ISO-8601 date (yyyy-mm-dd)", LocalDate::parse);
    }

    public <E extends Enum<E>> E asEnum(Class<E> type) {
        return convert("one of " + java.util.Arrays.toString(type.getEnumConstants()), v -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(v)) {
                    return e;
                }
            }
            throw new IllegalArgumentException(v);
        });
    }

    /** Converts with {@code parser}; any exception it throws becomes a 400 saying {@code expected}. */
    public <T> T as(String expected, Function<String, T> parser) {
        return convert(expected, parser);
    }

    /** Decimal notation only: no NaN, Infinity, hex floats or Java suffixes (1d), nothing past a double's range. */
    private static double finite(String v) {
        double d = new java.math.BigDecimal(v).doubleValue();
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(v);
        }
        return d;
    }

    /** The canonical form only: {@code UUID.fromString} also takes {@code 1-1-1-1-1}. */
    private static UUID uuid(String v) {
        if (v.length() != 36 || v.charAt(8) != '-' || v.charAt(13) != '-' || v.charAt(18) != '-' || v.charAt(23) != '-') {
            throw new IllegalArgumentException(v);
        }
        return UUID.fromString(v);
    }

    private String require() {
        if (value == null) {
            throw new HttpException(400, kind + " parameter '" + name + "' is required");
        }
        return value;
    }

    private <T> T convert(String expected, Function<String, T> parser) {
        String v = require();
        try {
            return parser.apply(v.trim());
        } catch (RuntimeException e) {
            if (e instanceof HttpException he) {
                throw he;
            }
            String shown = v.length() > 64 ? v.substring(0, 64) + "..." : v;
            throw new HttpException(400, kind + " parameter '" + name + "' must be " + expected + ", got '" + shown + "'");
        }
    }

    @Override
    public String toString() {
        return kind + " " + name + "=" + value;
    }
}
