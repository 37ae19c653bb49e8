package dev.baton.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns the text of a setting into the type its builder method takes. Each failure says what
 * was expected, so that the message naming the key and its source can end with it.
 */
final class Values {
    /** {@code 500ms}, {@code 10s}, {@code 2m}: a whole number and a unit, as Spring Boot and Helidon write them. */
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(-?\\d+)(ns|us|ms|s|m|h|d)");

    private Values() {
    }

    /** The types a setting may have; anything else is set in code only. */
    static boolean supported(Class<?> type) {
        return type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == boolean.class || type == Boolean.class || type == String.class || type == Duration.class
                || type == java.nio.file.Path.class || type == String[].class || type.isEnum();
    }

    /** A short name of {@code type} for messages and the README: {@code int}, {@code duration}, {@code OFF|ON_REQUEST|ALWAYS}. */
    static String describe(Class<?> type) {
        if (type == Integer.class) {
            return "int";
        }
        if (type == Long.class) {
            return "long";
        }
        if (type == Boolean.class) {
            return "boolean";
        }
        if (type == Duration.class) {
            return "duration";
        }
        if (type == java.nio.file.Path.class) {
            return "path";
        }
        if (type == String[].class) {
            return "list";
        }
        if (type.isEnum()) {
            return Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).collect(Collectors.joining("|"));
        }
        return type.getSimpleName();
    }

    /**
     * {@code text} as a {@code type}.
     *
     * @throws IllegalArgumentException saying what the text should have been
     */
    static Object convert(String text, Class<?> type) {
        String t = text.strip();
        if (type == String.class) {
            return text; // as written: a header value may hold its own spaces
        }
        if (type == int.class || type == Integer.class) {
            try {
                return Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number from "
                        + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
            }
        }
        if (type == long.class || type == Long.class) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number (a long)");
            }
        }
        if (type == boolean.class || type == Boolean.class) {
            if (t.equalsIgnoreCase("true")) {
                return true;
            }
            if (t.equalsIgnoreCase("false")) {
                return false;
            }
            throw new IllegalArgumentException("'" + text + "' is not true or false");
        }
        if (type == Duration.class) {
            return duration(text);
        }
        if (type == java.nio.file.Path.class) {
            try {
                return java.nio.file.Path.of(t);
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException("'" + text + "' is not a file path: " + e.getReason());
            }
        }
        if (type == String[].class) {
            // a list in one value, as an environment variable must give it: a,b,c
            return Arrays.stream(t.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toArray(String[]::new);
        }
        if (type.isEnum()) {
            String name = t.replace('-', '_');
            for (Object c : type.getEnumConstants()) {
                if (((Enum<?>) c).name().equalsIgnoreCase(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("'" + text + "' is none of " + describe(type).replace("|", ", "));
        }
        throw new IllegalArgumentException("a " + type.getName() + " cannot be set outside code");
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 1d} (also ns, us), {@code 0}, or ISO-8601 ({@code PT0.5S}). */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SIMPLE_DURATION.matcher(t);
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ns" -> Duration.ofNanos(n);
                    case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration");
            }
        }
        if (t.startsWith("p") || t.startsWith("-p")) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                // the message below says what is accepted
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration: write a whole number with a unit "
                + "(500ms, 10s, 2m, 1h, 1d), 0, or ISO-8601 (PT0.5S)");
    }

    /** {@code workerThreads}, {@code worker-threads}, {@code WORKER_THREADS}: one name (relaxed binding, as Spring Boot's). */
    static String canonical(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** {@code workerThreads} as an environment variable's part: {@code WORKER_THREADS}. */
    static String upperSnake(String camel) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                sb.append('_');
            }
            sb.append(Character.toUpperCase(c));
        }
        return sb.toString();
    }
}
