package dev.baton.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The settings of one builder, found by reflection: every public fluent method (one that returns
 * the builder) taking one value of a supported type is a setting named as the method; one taking
 * a {@code String} and such a value ({@code perHost("inventory:8080", 16)}) is a map of them.
 * A setting added to the builder later is picked up with no change here.
 */
final class Setters {
    /** Which overload a setting binds when a builder has several: the most specific text first. */
    private static final List<Class<?>> PREFERENCE = List.of(Duration.class, boolean.class, Boolean.class,
            long.class, Long.class, int.class, Integer.class, String.class);
    private static final Map<Class<?>, Setters> CACHE = new ConcurrentHashMap<>();

    /** One setting: its builder method, and whether it takes a key first (a map of values). */
    record Setter(String name, Method method, boolean map) {
        Class<?> valueType() {
            return method.getParameterTypes()[map ? 1 : 0];
        }

        /**
         * Whether {@code builder} still holds {@code value} for this setting (the code may have set
         * another since), read from its field of the setting's name; false when it cannot tell.
         */
        boolean holds(Object builder, String mapKey, Object value) {
            try {
                java.lang.reflect.Field f = builder.getClass().getDeclaredField(name);
                f.setAccessible(true);
                Object held = f.get(builder);
                if (!map) {
                    return java.util.Objects.equals(held, value);
                }
                if (held instanceof Map<?, ?> m) {
                    return m.entrySet().stream().anyMatch(e -> e.getKey() instanceof String k && k.equalsIgnoreCase(mapKey)
                            && java.util.Objects.equals(e.getValue(), value));
                }
                return false;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false; // no field of that name, or not readable: no claim is better than a wrong one
            }
        }

        void apply(Object builder, String mapKey, Object value) {
            try {
                if (map) {
                    method.invoke(builder, mapKey, value);
                } else {
                    method.invoke(builder, value);
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(method + " is not accessible", e);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(method + " failed", e.getCause());
            }
        }
    }

    private final Class<?> builderType;
    /** By canonical name ({@link Values#canonical}). */
    private final Map<String, Setter> settable;
    /** Fluent methods whose argument only code can give ({@code retry(RetryPolicy)}), by canonical name. */
    private final Map<String, Method> codeOnly;

    private Setters(Class<?> builderType) {
        this.builderType = builderType;
        Map<String, List<Setter>> candidates = new HashMap<>();
        Map<String, Method> other = new HashMap<>();
        for (Method m : builderType.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isBridge() || m.isSynthetic()
                    || !builderType.isAssignableFrom(m.getReturnType())) {
                continue;
            }
            Class<?>[] p = m.getParameterTypes();
            String key = Values.canonical(m.getName());
            if (p.length == 1 && Values.supported(p[0])) {
                candidates.computeIfAbsent(key, k -> new ArrayList<>()).add(new Setter(m.getName(), m, false));
            } else if (p.length == 2 && p[0] == String.class && Values.supported(p[1])) {
                candidates.computeIfAbsent(key, k -> new ArrayList<>()).add(new Setter(m.getName(), m, true));
            } else if (p.length >= 1) {
                other.putIfAbsent(key, m);
            }
        }
        Map<String, Setter> chosen = new TreeMap<>();
        candidates.forEach((key, list) -> {
            if (list.stream().map(Setter::name).distinct().count() > 1) {
                throw new IllegalStateException(builderType.getName() + " has settings that differ only in case or "
                        + "separators, which configuration keys cannot tell apart: " + list.stream().map(Setter::name).toList());
            }
            // a scalar before a map, then by the preference of its type
            list.sort(Comparator.comparing(Setter::map).thenComparing(s -> rank(s.valueType())));
            chosen.put(key, list.getFirst());
        });
        other.keySet().removeAll(chosen.keySet());
        this.settable = Collections.unmodifiableMap(chosen);
        this.codeOnly = Map.copyOf(other);
    }

    private static int rank(Class<?> type) {
        int i = PREFERENCE.indexOf(type);
        return i < 0 ? PREFERENCE.size() : i; // enums last: any text that is not a number or duration
    }

    static Setters of(Class<?> builderType) {
        return CACHE.computeIfAbsent(builderType, Setters::new);
    }

    Class<?> builderType() {
        return builderType;
    }

    /** The setting a key names, in any spelling ({@code workerThreads}, {@code worker-threads}, {@code WORKER_THREADS}); null if none. */
    Setter find(String name) {
        return settable.get(Values.canonical(name));
    }

    /** The builder method {@code name} names when only code can call it (it takes an object), else null. */
    Method codeOnly(String name) {
        return codeOnly.get(Values.canonical(name));
    }

    /** Every setting, by its method name's canonical form (so in alphabetical order). */
    Map<String, Setter> all() {
        return settable;
    }

    /** The setting nearest to a misspelt {@code name}, for "did you mean"; null if none is near. */
    String nearest(String name) {
        String c = Values.canonical(name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setter s : settable.values()) {
            int d = distance(c, Values.canonical(s.name()));
            if (d < bestDistance) {
                bestDistance = d;
                best = s.name();
            }
        }
        return bestDistance <= Math.max(2, c.length() / 4) ? best : null;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
