package dev.baton.client.internal;

import dev.baton.http.Headers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An immutable, ordered, case-insensitive list of header fields. */
public final class HeaderList implements Headers {
    public static final HeaderList EMPTY = new HeaderList(List.of());

    private final List<Map.Entry<String, String>> entries;

    private HeaderList(List<Map.Entry<String, String>> entries) {
        this.entries = entries;
    }

    /** Fields made by {@link #field}, in order. */
    public static HeaderList of(List<Map.Entry<String, String>> fields) {
        return fields.isEmpty() ? EMPTY : new HeaderList(List.copyOf(fields));
    }

    /**
     * One field as the caller set it, checked there, with the whitespace around its value (no
     * part of it, RFC 9110 5.5) stripped.
     *
     * @throws IllegalArgumentException for a name that is no token or a value with CR, LF, NUL or another control
     */
    public static Map.Entry<String, String> field(String name, String value) {
        String v = value.strip();
        check(name, v);
        return Map.entry(name, v);
    }

    /** Fields a response brought: Netty's decoder has checked them already, and they are the server's, not ours to refuse. */
    static HeaderList received(List<Map.Entry<String, String>> entries) {
        return entries.isEmpty() ? EMPTY : new HeaderList(List.copyOf(entries));
    }

    /** RFC 9110 5.1, 5.5, checked where the caller set the field: a bad one must not reach the wire, nor hang the call. */
    private static void check(String name, String value) {
        if (name == null || name.isEmpty() || io.netty.handler.codec.http.HttpHeaderValidationUtil.validateToken(name) >= 0) {
            throw new IllegalArgumentException("header name '" + name + "' is not a token (RFC 9110 5.1)");
        }
        int bad = value == null ? -1 : io.netty.handler.codec.http.HttpHeaderValidationUtil.validateValidHeaderValue(value);
        if (bad >= 0) {
            throw new IllegalArgumentException("the value of header " + name + " has a character a field value may not "
                    + "have at " + bad + " (CR, LF, NUL and other controls never are, RFC 9110 5.5)");
        }
    }

    /** A copy where {@code name} has the one value {@code value} (or none, when value is null), appended last. */
    public HeaderList with(String name, String value) {
        Map.Entry<String, String> field = value == null ? null : field(name, value);
        List<Map.Entry<String, String>> copy = new ArrayList<>(entries.size() + 1);
        for (Map.Entry<String, String> e : entries) {
            if (!e.getKey().equalsIgnoreCase(name)) {
                copy.add(e);
            }
        }
        if (field != null) {
            copy.add(field);
        }
        return new HeaderList(Collections.unmodifiableList(copy));
    }

    @Override
    public Optional<String> first(String name) {
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> all(String name) {
        List<String> out = new ArrayList<>(1);
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    @Override
    public boolean contains(String name) {
        return first(name).isPresent();
    }

    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : entries) {
            names.add(e.getKey().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return entries.iterator();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
