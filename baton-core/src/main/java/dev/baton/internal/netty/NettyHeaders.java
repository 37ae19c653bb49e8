package dev.baton.internal.netty;

import dev.baton.http.Headers;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@link Headers} over Netty's headers, read-only. */
final class NettyHeaders implements Headers {
    private final HttpHeaders headers;

    NettyHeaders(HttpHeaders headers) {
        this.headers = headers;
    }

    @Override
    public Optional<String> first(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** A lookup by a constant name: its case-insensitive hash is computed once, not per request. */
    String get(AsciiString name) {
        return headers.get(name);
    }

    @Override
    public List<String> all(String name) {
        return List.copyOf(headers.getAll(name));
    }

    @Override
    public boolean contains(String name) {
        return headers.contains(name);
    }

    @Override
    public Set<String> names() {
        Set<String> out = new TreeSet<>();
        for (String n : headers.names()) {
            out.add(n.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    @Override
    public int size() {
        return headers.size();
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return headers.iteratorAsString();
    }

    @Override
    public String toString() {
        return headers.toString();
    }
}
