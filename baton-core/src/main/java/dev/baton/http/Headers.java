package dev.baton.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read-only, case-insensitive view of a message's header fields.
 *
 * <pre>{@code String type = request.headers().first("Content-Type").orElse("text/plain");}</pre>
 */
public interface Headers extends Iterable<Map.Entry<String, String>> {

    /** The first value of {@code name}, if present. */
    Optional<String> first(String name);

    /** All values of {@code name}, in order; empty when absent. */
    List<String> all(String name);

    boolean contains(String name);

    /** The distinct names, lower-cased. */
    Set<String> names();

    int size();
}
