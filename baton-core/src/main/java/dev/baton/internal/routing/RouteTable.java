package dev.baton.internal.routing;

import dev.baton.routing.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Routes compiled into a segment trie. Literal segments beat parameters; a trailing slash is
 * ignored. Built once at startup, then read concurrently without locks.
 */
public final class RouteTable {
    private final Node root = new Node();

    public RouteTable(List<Route> routes) {
        for (Route r : routes) {
            add(r);
        }
    }

    private void add(Route route) {
        Node node = root;
        List<String> names = new ArrayList<>();
        for (String seg : segments(route.pattern())) {
            if (seg.startsWith("{") && seg.endsWith("}")) {
                String name = seg.substring(1, seg.length() - 1);
                if (name.isEmpty() || names.contains(name)) {
                    throw new IllegalArgumentException("bad or repeated path parameter '" + name + "' in " + route);
                }
                names.add(name);
                if (node.param == null) {
                    node.param = new Node();
                }
                node = node.param;
            } else {
                if (seg.contains("{") || seg.contains("}")) {
                    throw new IllegalArgumentException("a path parameter must be a whole segment: " + route.pattern());
                }
                node = node.literals.computeIfAbsent(seg, k -> new Node());
            }
        }
        Entry previous = node.routes.get(route.method());
        if (previous != null) {
            throw new IllegalStateException("two routes for " + route.method() + " " + route.pattern()
                    + ": " + previous.route + " and " + route);
        }
        node.routes.put(route.method(), new Entry(route, List.copyOf(names)));
        Set<String> allowed = new TreeSet<>(node.routes.keySet());
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        allowed.add("OPTIONS");
        node.allowed = java.util.Collections.unmodifiableSet(allowed); // computed once, not per request
    }

    /** Looks up {@code method} and the decoded path segments. */
    public Match find(String method, List<String> path) {
        Found found = lookup(root, path, 0, new ArrayList<>());
        if (found == null) {
            return Match.NOT_FOUND;
        }
        Map<String, Entry> routes = found.routes;
        String effective = method.equals("HEAD") && !routes.containsKey("HEAD") ? "GET" : method;
        Entry e = routes.get(effective);
        Set<String> allowed = found.allowed;
        if (e == null) {
            return new Match(null, Map.of(), allowed);
        }
        return new Match(e.route, e.bind(found.values), allowed);
    }

    private record Found(Map<String, Entry> routes, Set<String> allowed, List<String> values) {
    }

    private static Found lookup(Node node, List<String> path, int i, List<String> values) {
        if (i == path.size()) {
            return node.routes.isEmpty() ? null : new Found(node.routes, node.allowed, values);
        }
        String seg = path.get(i);
        Node lit = node.literals.get(seg);
        if (lit != null) {
            Found found = lookup(lit, path, i + 1, values);
            if (found != null) {
                return found;
            }
        }
        if (node.param != null && !seg.isEmpty()) {
            values.add(seg);
            Found found = lookup(node.param, path, i + 1, values);
            if (found != null) {
                return found;
            }
            values.remove(values.size() - 1);
        }
        return null;
    }

    /** Splits a path into segments, ignoring a trailing slash. */
    public static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        int start = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i > start || i < path.length()) {
                    out.add(path.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** The outcome of a lookup: a route, or none with the methods the path allows (405 when non-empty). */
    public record Match(Route route, Map<String, String> pathParams, Set<String> allowed) {
        static final Match NOT_FOUND = new Match(null, Map.of(), Set.of());
    }

    private static final class Node {
        Set<String> allowed = Set.of();
        final Map<String, Node> literals = new HashMap<>();
        Node param;
        final Map<String, Entry> routes = new LinkedHashMap<>();
    }

    private record Entry(Route route, List<String> names) {
        Map<String, String> bind(List<String> values) {
            if (names.isEmpty()) {
                return Map.of();
            }
            Map<String, String> m = new HashMap<>(names.size() * 2);
            for (int i = 0; i < names.size(); i++) {
                m.put(names.get(i), values.get(i));
            }
            return m;
        }
    }
}
