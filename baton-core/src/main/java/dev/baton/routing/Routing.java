package dev.baton.routing;

import dev.baton.ExecutionModel;
import dev.baton.internal.websocket.WebSocketHandshake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Collects routes. One way to register ({@link #route}), plus a shortcut per method; groups add
 * a path prefix. Each registration returns a {@link RouteSpec} to set the route's timeout and
 * execution model.
 *
 * <pre>{@code routing.get("/gizmos/{id}", ctx -> store.find(ctx.request().path("id").asUuid()))
 *        .timeout(Duration.ofSeconds(2));
 * routing.group("/api", api -> api.post("/gizmos", create));}</pre>
 */
public final class Routing {
    private final String prefix;
    private final List<RouteSpec> specs;
    private final Routing parent;
    private final List<Middleware> middleware = new ArrayList<>();

    public Routing() {
        this("", new ArrayList<>(), null);
    }

    private Routing(String prefix, List<RouteSpec> specs, Routing parent) {
        this.prefix = prefix;
        this.specs = specs;
        this.parent = parent;
    }

    /**
     * Adds middleware to every route of this scope: the whole server at the top level, the
     * group's routes inside a group (whenever they are registered). Outer scopes run first,
     * then registration order.
     */
    public Routing use(Middleware m) {
        if (m == null) {
            throw new IllegalArgumentException("middleware is null");
        }
        middleware.add(m);
        return this;
    }

    /** This scope's own middleware, in order (at the top level: the whole server's). */
    public List<Middleware> middleware() {
        return List.copyOf(middleware);
    }

    private List<Middleware> chain() {
        List<Middleware> all = parent == null ? new ArrayList<>() : parent.chain();
        all.addAll(middleware);
        return all;
    }

    public RouteSpec route(String method, String path, Handler handler) {
        String m = method.toUpperCase(Locale.ROOT);
        if (m.isEmpty() || !m.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c == '-' || c == '_')) {
            throw new IllegalArgumentException("not an HTTP method: " + method);
        }
        if (handler == null) {
            throw new IllegalArgumentException("handler is null for " + m + " " + path);
        }
        RouteSpec spec = new RouteSpec(m, join(prefix, path), handler, this);
        specs.add(spec);
        return spec;
    }

    public RouteSpec get(String path, Handler handler) {
        return route("GET", path, handler);
    }

    public RouteSpec post(String path, Handler handler) {
        return route("POST", path, handler);
    }

    public RouteSpec put(String path, Handler handler) {
        return route("PUT", path, handler);
    }

    public RouteSpec patch(String path, Handler handler) {
        return route("PATCH", path, handler);
    }

    public RouteSpec delete(String path, Handler handler) {
        return route("DELETE", path, handler);
    }

    /**
     * Serves {@code files} under {@code prefix}: {@code GET} and {@code HEAD} of
     * {@code prefix/{path...}} (other methods get 405), on the worker pool, since finding a file
     * blocks. See {@link dev.baton.staticfiles.StaticFiles}.
     *
     * <pre>{@code routing.staticFiles("/assets", StaticFiles.directory(Path.of("public")));}</pre>
     */
    public Routing staticFiles(String mountPrefix, dev.baton.staticfiles.StaticFiles files) {
        String tail = mountPrefix == null || mountPrefix.isEmpty() || mountPrefix.equals("/") ? "/{path...}"
                : (mountPrefix.endsWith("/") ? mountPrefix : mountPrefix + "/") + "{path...}";
        get(tail, files.handler()).execution(ExecutionModel.WORKER);
        return this;
    }

    /**
     * A WebSocket route: a GET that upgrades to a session (RFC 6455) after the route's middleware
     * (which may refuse it, as with any request); {@code endpoint} sets its callbacks. The
     * callbacks run on the route's execution model, one at a time per session.
     *
     * <pre>{@code routing.ws("/echo/{room}", ws -> ws.onText((session, text) -> session.sendText(text)));}</pre>
     */
    public RouteSpec ws(String path, Consumer<dev.baton.websocket.WebSocketEndpoint> endpoint) {
        dev.baton.websocket.WebSocketEndpoint e = new dev.baton.websocket.WebSocketEndpoint();
        endpoint.accept(e);
        return route("GET", path, new WebSocketHandshake(e));
    }

    /** Registers the routes {@code group} adds under {@code prefix}. */
    public Routing group(String groupPrefix, Consumer<Routing> group) {
        group.accept(new Routing(join(prefix, groupPrefix), specs, this));
        return this;
    }

    /** The routes registered so far, in order, as registered (a {@code respondAsync()} route not yet wrapped). */
    public List<Route> routes() {
        return specs.stream().map(s -> s.toRoute(null, false)).toList();
    }

    /**
     * The routes registered so far, in order, the handlers of those marked
     * {@link RouteSpec#respondAsync()} wrapped by {@code responder} (inside their middleware).
     *
     * @throws IllegalStateException if a route is marked and {@code responder} is null
     */
    public List<Route> routes(dev.baton.ServerFeature.AsyncResponder responder) {
        return specs.stream().map(s -> s.toRoute(responder, true)).toList();
    }

    private static String join(String a, String b) {
        if (b == null || b.isEmpty() || b.equals("/")) {
            return a.isEmpty() ? "/" : a;
        }
        String left = a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
        return left + (b.startsWith("/") ? b : "/" + b);
    }

    /** Options of one registered route. */
    public static final class RouteSpec {
        private final String method;
        private final String pattern;
        private final Handler handler;
        private final Routing scope;
        private ExecutionModel execution;
        private Duration timeout;
        private boolean respondAsync;
        private long streamedBodyLimit;
        private RouteDescription description = RouteDescription.NONE;

        RouteSpec(String method, String pattern, Handler handler, Routing scope) {
            this.method = method;
            this.pattern = pattern;
            this.handler = handler;
            this.scope = scope;
        }

        /** The async timeout of this route, over the server default. */
        public RouteSpec timeout(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeout must be positive; use noTimeout() for none");
            }
            this.timeout = value;
            return this;
        }

        /** This route never times out. */
        public RouteSpec noTimeout() {
            this.timeout = Duration.ZERO;
            return this;
        }

        public RouteSpec execution(ExecutionModel model) {
            this.execution = model;
            return this;
        }

        /**
         * Streams this route's request body to the handler as it arrives instead of aggregating it:
         * the handler runs as soon as the head is in and reads {@code ctx.request().bodyStream()}
         * (with backpressure), while {@code body()} and {@code bodyAs()} are refused. A body over
         * {@code maxBodySize} bytes, which may be far above the server's aggregate limit, is a 413.
         *
         * <pre>{@code r.post("/uploads", ctx -> ctx.request().bodyStream().transferTo(file).thenApply(n -> n + " bytes"))
         *        .streamBody(10L << 30);}</pre>
         */
        public RouteSpec streamBody(long maxBodySize) {
            if (maxBodySize <= 0) {
                throw new IllegalArgumentException("a streamed body's limit must be positive: " + maxBodySize);
            }
            this.streamedBodyLimit = maxBodySize;
            return this;
        }

        /**
         * Lets a client ask for this route to run as a long-running operation: with
         * {@code Prefer: respond-async} it gets {@code 202 Accepted} and a {@code Location} to poll;
         * with {@code Prefer: wait=N} the server waits up to N seconds for the result (RFC 7240).
         * Needs a feature that runs operations (the {@code baton-operations} module).
         */
        public RouteSpec respondAsync() {
            this.respondAsync = true;
            return this;
        }

        /**
         * Declares this route's parameters, body and result types, for documentation (an OpenAPI
         * document); serving is unchanged. May be called several times: each adds to the last.
         *
         * <pre>{@code r.post("/gizmos", create).describe(d -> d.body(NewGizmo.class).returns(Gizmo.class).status(201));}</pre>
         */
        public RouteSpec describe(Consumer<RouteDescription.Builder> declare) {
            RouteDescription.Builder b = description.toBuilder();
            declare.accept(b);
            return describe(b.build());
        }

        /**
         * Sets this route's description, replacing any (controllers set their actions' this way).
         *
         * @throws IllegalArgumentException if it types a path parameter the pattern does not have
         */
        public RouteSpec describe(RouteDescription value) {
            java.util.Objects.requireNonNull(value, "description");
            List<String> segments = dev.baton.internal.routing.RouteTable.segments(pattern);
            for (RouteDescription.Parameter p : value.parameters()) {
                if (p.in() == RouteDescription.In.PATH && !segments.contains("{" + p.name() + "}")) {
                    throw new IllegalArgumentException(method + " " + pattern + " has no path parameter '" + p.name() + "'");
                }
            }
            this.description = value;
            return this;
        }

        Route toRoute(dev.baton.ServerFeature.AsyncResponder responder, boolean wrap) {
            Handler h = handler;
            if (respondAsync && wrap) {
                if (responder == null) {
                    throw new IllegalStateException(method + " " + pattern + " is marked respondAsync(), but no feature "
                            + "runs operations: add one with Server.builder().feature(Operations.builder()...build())");
                }
                h = responder.wrap(method, pattern, handler);
            }
            return new Route(method, pattern, MiddlewareChain.compose(scope.chain(), h), execution, timeout,
                    description.withRespondAsync(respondAsync), streamedBodyLimit);
        }
    }
}
