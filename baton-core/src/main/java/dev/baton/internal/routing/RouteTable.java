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
 * Routes compiled into a segment trie. Literal segments beat parameters, which beat a tail
 * parameter ({@code /assets/{path...}}: the rest of the path, zero or more segments, joined by
 * '/'); a trailing slash is ignored. Built once at startup, then read concurrently without locks.
 */
public final class RouteTable {
    private final Node root = new Node();
    /** Nodes of patterns without parameters, by path: the common case is one hash lookup. */
    private final Map<String, Node> staticPaths = new HashMap<>();

    private final java.util.function.Function<Route, Object> attach;

    public RouteTable(List<Route> routes) {
        this(routes, r -> null);
    }

    /** {@code attach} makes the per-route object a match hands back (the route's metrics): no map lookup per request. */
    public RouteTable(List<Route> routes, java.util.function.Function<Route, Object> attach) {
        this.attach = attach;
        for (Route r : routes) {
            add(r);
        }
    }

    private void add(Route route) {
        Node node = root;
        List<String> names = new ArrayList<>();
        List<String> segs = segments(route.pattern());
        for (int i = 0; i < segs.size(); i++) {
            String seg = segs.get(i);
            if (seg.startsWith("{") && seg.endsWith("...}")) {
                String name = seg.substring(1, seg.length() - 4);
                if (name.isEmpty() || names.contains(name) || i != segs.size() - 1) {
                    throw new IllegalArgumentException("a tail parameter must be named once and be the last segment: " + route.pattern());
                }
                names.add(name);
                if (node.tail == null) {
                    node.tail = new Node();
                }
                node = node.tail;
            } else if (seg.startsWith("{") && seg.endsWith("}")) {
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
        if (names.isEmpty()) {
            staticPaths.put(normalize(route.pattern()), node);
        }
        Entry previous = node.routes.get(route.method());
        if (previous != null) {
            throw new IllegalStateException("two routes for " + route.method() + " " + route.pattern()
                    + ": " + previous.route + " and " + route);
        }
        node.routes.put(route.method(), new Entry(route, List.copyOf(names), attach.apply(route)));
        node.allowed = allowed(node.routes.keySet()); // computed once, not per request
        if (names.isEmpty()) {
            // a literal path's answers are the same for every request: made once, found by method
            node.staticMatches = new HashMap<>();
            for (String method : node.routes.keySet()) {
                node.staticMatches.put(method, match(node, method, List.of()));
            }
            if (!node.routes.containsKey("HEAD") && node.routes.containsKey("GET")) {
                node.staticMatches.put("HEAD", match(node, "HEAD", List.of()));
            }
        }
    }

    /**
     * Looks up {@code method} on a raw (still percent-encoded) path. A path without parameters or
     * escapes is one hash lookup; otherwise the trie is walked, preferring a node that has the
     * method (so {@code GET /a/b} finds {@code GET /a/{x}} even when {@code POST /a/b} exists),
     * and, for 405 and OPTIONS, naming the methods of every pattern the path matches.
     */
    public Match find(String method, String rawPath) {
        if (rawPath.indexOf('%') < 0) {
            Node node = staticPaths.get(normalize(rawPath));
            Match m = node == null ? null : node.staticMatches.get(method);
            if (m != null) {
                return m;
            }
        }
        String effective = method.equals("HEAD") ? "GET" : method;
        List<String> path = decodeSegments(rawPath);
        Found[] any = new Found[1];
        Found found = lookup(root, path, 0, new ArrayList<>(), method, effective, any);
        if (found != null) {
            return match(found.node, method, found.values);
        }
        if (any[0] == null) {
            return Match.NOT_FOUND;
        }
        return new Match(null, Map.of(), allowed(path), null);
    }

    /**
     * The methods a raw path answers, for {@code Allow} (RFC 9110 15.5.6): those of every pattern
     * it matches ({@code GET /users/{id}} too when only {@code POST /users/me} is literal); empty if none.
     */
    public Set<String> allowedMethods(String rawPath) {
        return allowed(decodeSegments(rawPath));
    }

    private Set<String> allowed(List<String> path) {
        Set<String> methods = new TreeSet<>();
        collectMethods(root, path, 0, methods);
        return methods.isEmpty() ? Set.of() : allowed(methods);
    }

    private static void collectMethods(Node node, List<String> path, int i, Set<String> into) {
        if (i == path.size()) {
            into.addAll(node.routes.keySet());
            if (node.tail != null) {
                into.addAll(node.tail.routes.keySet());
            }
            return;
        }
        String seg = path.get(i);
        Node lit = node.literals.get(seg);
        if (lit != null) {
            collectMethods(lit, path, i + 1, into);
        }
        if (node.param != null && !seg.isEmpty()) {
            collectMethods(node.param, path, i + 1, into);
        }
        if (node.tail != null) {
            into.addAll(node.tail.routes.keySet());
        }
    }

    private static Set<String> allowed(Set<String> methods) {
        Set<String> allowed = new TreeSet<>(methods);
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        allowed.add("OPTIONS");
        return java.util.Collections.unmodifiableSet(allowed);
    }

    private static Match match(Node node, String method, List<String> values) {
        Entry e = node.routes.get(method);
        if (e == null && method.equals("HEAD")) {
            e = node.routes.get("GET");
        }
        if (e == null) {
            return new Match(null, Map.of(), node.allowed, null);
        }
        return new Match(e.route, e.bind(values), node.allowed, e.attachment);
    }

    private record Found(Node node, List<String> values) {
    }

    private static Found lookup(Node node, List<String> path, int i, List<String> values, String method,
                                String effective, Found[] any) {
        if (i == path.size()) {
            Found f = ending(node, values, method, effective, any);
            return f != null || node.tail == null ? f : tail(node, path, i, values, method, effective, any);
        }
        String seg = path.get(i);
        Node lit = node.literals.get(seg);
        if (lit != null) {
            Found found = lookup(lit, path, i + 1, values, method, effective, any);
            if (found != null) {
                return found;
            }
        }
        if (node.param != null && !seg.isEmpty()) {
            values.add(seg);
            Found found = lookup(node.param, path, i + 1, values, method, effective, any);
            if (found != null) {
                return found;
            }
            values.remove(values.size() - 1);
        }
        return node.tail == null ? null : tail(node, path, i, values, method, effective, any);
    }

    /** The rest of the path from segment {@code i}, bound to {@code node}'s tail parameter. */
    private static Found tail(Node node, List<String> path, int i, List<String> values, String method, String effective,
                              Found[] any) {
        values.add(String.join("/", path.subList(i, path.size())));
        Found found = ending(node.tail, values, method, effective, any);
        values.remove(values.size() - 1);
        return found;
    }

    /** A match if the path ends at {@code node} and it has the method (else remembered in {@code any} for 405). */
    private static Found ending(Node node, List<String> values, String method, String effective, Found[] any) {
        if (node.routes.isEmpty()) {
            return null;
        }
        Found f = new Found(node, List.copyOf(values));
        if (node.routes.containsKey(method) || node.routes.containsKey(effective)) {
            return f;
        }
        if (any[0] == null) {
            any[0] = f;
        }
        return null;
    }

    private static String normalize(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path.isEmpty() ? "/" : path;
    }

    /** Splits a raw path into percent-decoded segments; 400-worthy IllegalArgumentException on a bad escape. */
    static List<String> decodeSegments(String rawPath) {
        List<String> raw = segments(rawPath.isEmpty() ? "/" : rawPath);
        if (rawPath.indexOf('%') < 0) {
            return raw;
        }
        List<String> out = new ArrayList<>(raw.size());
        for (String seg : raw) {
            out.add(dev.baton.internal.uri.PercentDecoding.pathSegment(seg));
        }
        return out;
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
    public record Match(Route route, Map<String, String> pathParams, Set<String> allowed, Object attachment) {
        static final Match NOT_FOUND = new Match(null, Map.of(), Set.of(), null);
    }

    private static final class Node {
        Set<String> allowed = Set.of();
        final Map<String, Node> literals = new HashMap<>();
        Node param;
        /** The node of a tail parameter ({@code {name...}}) at this point, if any. */
        Node tail;
        final Map<String, Entry> routes = new LinkedHashMap<>();
        /** For a literal path: the match of each method it serves (HEAD too where GET is). */
        Map<String, Match> staticMatches = Map.of();
    }

    private record Entry(Route route, List<String> names, Object attachment) {
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
