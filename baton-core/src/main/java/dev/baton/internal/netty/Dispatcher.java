package dev.baton.internal.netty;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.ExecutionModel;
import dev.baton.ServerConfig;
import dev.baton.context.Deadline;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.internal.routing.RouteTable;
import dev.baton.internal.uri.PercentDecoding;
import dev.baton.routing.Route;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Takes a decoded request on its event loop, routes it, admits it (in-flight cap, request
 * queue) and hands it to the thread its route's execution model names.
 */
final class Dispatcher {
    private static final Set<String> STANDARD_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final AsciiString DEADLINE_HEADER = AsciiString.cached(Deadline.HEADER);
    private static final AsciiString TRACE_HEADER = AsciiString.cached(dev.baton.Tracing.HEADER);
    /** How long after a propagated deadline our own timer fires, as a backstop. */
    static final long PROPAGATED_DEADLINE_GRACE_MILLIS = 100;

    private final ServerConfig config;
    private final RouteTable routes;
    private final ErrorMapping errors;
    private final ObjectMapper json;
    private final ServerMetrics metrics;
    private final WorkerPool workers;
    private final ExecutorService virtualThreads;
    private final ShutdownState shutdown;
    private final SafetyNets nets;
    private final EventLoopWatchdog watchdog;
    private final PinnedThreadMonitor pinned;
    private final java.util.Map<Route, String> virtualThreadNames = new java.util.IdentityHashMap<>();
    /** RFC 9110's methods and the routes' own: any other is answered 501 (RFC 9110 9.1). */
    private final Set<String> knownMethods;
    /** The Allow of {@code OPTIONS *}: every method some route serves. */
    private final String allowedAnywhere;
    /**
     * The server's middleware, which also sees what no route answers (404, 405, automatic
     * OPTIONS, 501): logging sees every request, CORS can answer a preflight. Empty: those
     * answers go out from the event loop at once.
     */
    private final List<dev.baton.routing.Middleware> unmatchedChain;
    /** The pattern of the route an unmatched request runs as, through the server's middleware. */
    static final String UNMATCHED_PATTERN = "/**";
    /** Unmatched requests' numbers: not a route of stats().routes(). */
    private final ServerMetrics.RouteMetrics unmatchedMetrics = new ServerMetrics.RouteMetrics();

    Dispatcher(ServerConfig config, List<Route> routeList, List<dev.baton.routing.Middleware> serverMiddleware,
               ErrorMapping errors, ObjectMapper json, ServerMetrics metrics, ShutdownState shutdown) {
        this.config = config;
        this.unmatchedChain = List.copyOf(serverMiddleware);
        // each route's metrics ride on its route-table entry: no lookup per request
        this.routes = new RouteTable(routeList, r -> metrics.route(r.toString()));
        ClassLoadingActivity classLoading = new ClassLoadingActivity();
        this.nets = new SafetyNets(config, metrics, classLoading);
        long blocked = config.blockedThreadThreshold().toNanos();
        this.watchdog = blocked > 0 ? new EventLoopWatchdog(blocked, nets, classLoading) : null;
        boolean anyVirtual = routeList.stream().anyMatch(r -> model(r) == ExecutionModel.VIRTUAL);
        this.pinned = anyVirtual ? new PinnedThreadMonitor(nets) : null;
        Set<String> methods = new TreeSet<>();
        for (Route r : routeList) {
            virtualThreadNames.put(r, PinnedThreadMonitor.threadName(r));
            methods.add(r.method());
        }
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        methods.add("OPTIONS");
        this.allowedAnywhere = String.join(", ", methods);
        methods.addAll(STANDARD_METHODS);
        this.knownMethods = Set.copyOf(methods);
        this.errors = errors;
        this.json = json;
        this.metrics = metrics;
        this.shutdown = shutdown;
        this.workers = new WorkerPool(config.workerThreads(), config.requestQueueCapacity());
        this.virtualThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("baton-vt-", 0).factory());
    }

    ServerConfig config() {
        return config;
    }

    SafetyNets nets() {
        return nets;
    }

    /** Starts the watchdogs that need the event loops. */
    void start(io.netty.channel.EventLoopGroup group) {
        workers.bind(group);
        if (watchdog != null) {
            watchdog.start(group);
        }
        if (pinned != null) {
            pinned.start();
        }
    }

    private ExecutionModel model(Route route) {
        return route.execution() != null ? route.execution() : config.defaultExecution();
    }

    void handlerStarted(Exchange ex) {
        ExecutionModel m = model(ex.route);
        if (m == ExecutionModel.EVENT_LOOP && watchdog != null) {
            watchdog.running(ex.connection.eventLoop(), ex.route);
        } else if (m == ExecutionModel.VIRTUAL && pinned != null) {
            // how JFR events name the route (an unmatched request's route is made per request)
            String name = virtualThreadNames.get(ex.route);
            Thread.currentThread().setName(name != null ? name : PinnedThreadMonitor.threadName(ex.route));
        }
    }

    void handlerEnded(Exchange ex) {
        ExecutionModel m = model(ex.route);
        if (m == ExecutionModel.EVENT_LOOP && watchdog != null) {
            watchdog.running(ex.connection.eventLoop(), null);
        }
    }

    ErrorMapping errors() {
        return errors;
    }

    ObjectMapper json() {
        return json;
    }

    ServerMetrics metrics() {
        return metrics;
    }

    WorkerPool workers() {
        return workers;
    }

    ShutdownState shutdown() {
        return shutdown;
    }

    /** Called on the connection's event loop, one request at a time per connection. Releases {@code req}. */
    void dispatch(ConnectionHandler conn, FullHttpRequest req, long arrivalNanos) {
        String method = req.method().name();
        boolean head = method.equals("HEAD");
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String uri = req.uri();
        String path;
        NettyRequest request;
        RouteTable.Match match;
        boolean asterisk = uri.equals("*");
        try {
            String target = originForm(uri);
            if (target != uri) {
                // RFC 9112 3.2.2: an absolute-form target's authority replaces the Host field
                String authority = authority(uri);
                req.headers().set(HttpHeaderNames.HOST, authority);
                // RFC 9112 3.2.4: OPTIONS with an empty path means the server as a whole, as "*"
                asterisk = method.equals("OPTIONS") && uri.indexOf('/', uri.indexOf("://") + 3) < 0 && uri.indexOf('?') < 0;
            }
            String asSent = rawPath(target);
            String rawPath = DotSegments.remove(asSent);
            if (rawPath != asSent) {
                // what the handler and middleware see is what was routed: /public/../admin is /admin
                uri = rawPath + target.substring(asSent.length());
            }
            path = rawPath.indexOf('%') < 0 ? rawPath : decodedPath(rawPath);
            match = routes.find(method, rawPath);
            byte[] body = req.content().isReadable() ? ByteBufUtil.getBytes(req.content()) : null;
            request = new NettyRequest(method, uri, path, req.protocolVersion().text(), req.headers(), body,
                    (InetSocketAddress) conn.remoteAddress(), json);
        } catch (IllegalArgumentException e) {
            conn.sendDirect(Problem.of(400, "malformed request target: " + e.getMessage()).withInstance(null).toResponse(),
                    false, head, true);
            return;
        } finally {
            req.release();
        }
        if (shutdown.isDraining()) {
            shutdown.refused.increment();
            conn.sendDirect(unavailable("the server is shutting down", path), false, head, true);
            return;
        }
        if (asterisk) {
            conn.sendDirect(Response.status(204).header("Allow", allowedAnywhere).build(), keepAlive, head, false);
            return;
        }
        Route route = match.route();
        ServerMetrics.RouteMetrics routeMetrics = (ServerMetrics.RouteMetrics) match.attachment();
        if (route == null) {
            Response answer = unmatched(method, path, match);
            if (unmatchedChain.isEmpty()) {
                conn.sendDirect(answer, keepAlive, head, false);
                return;
            }
            // through the server's middleware like any request, on the server's default model; one
            // pattern for all ("/**"), so that nothing keyed by route grows with the paths asked for
            route = new Route(method, UNMATCHED_PATTERN,
                    dev.baton.internal.routing.Pipeline.compose(unmatchedChain, ctx -> answer), null, null);
            routeMetrics = unmatchedMetrics;
        }
        request.pathParams(match.pathParams());
        if (metrics.inFlight.incrementAndGet() > config.maxInFlight()) {
            metrics.inFlight.decrementAndGet();
            metrics.rejected.increment();
            conn.sendDirect(unavailable("too many requests in flight", path), keepAlive, head, false);
            return;
        }
        Duration timeout = route.timeoutOverride().orElse(config.requestTimeout());
        Duration propagated = propagatedTimeout(request);
        long timerMillis = timeout.toMillis();
        if (propagated != null && (timeout.isZero() || propagated.compareTo(timeout) < 0)) {
            // the caller's remaining budget, capped by our own route timeout; the caller hangs up
            // at that moment, so our own timer is only a backstop a little later (the request then
            // ends as CLIENT_DISCONNECT, which is what happened)
            timeout = propagated.isZero() ? Duration.ofMillis(1) : propagated;
            timerMillis = timeout.toMillis() + PROPAGATED_DEADLINE_GRACE_MILLIS;
        }
        Deadline deadline = timeout.isZero() ? Deadline.NONE : Deadline.after(timeout);
        RequestTrace trace = wantsTrace(request) ? new RequestTrace() : null;
        if (trace != null) {
            trace.add("accept", Thread.currentThread().getName(), System.nanoTime() - arrivalNanos);
        }
        Exchange ex = new Exchange(this, conn, request, route, deadline, keepAlive, head, arrivalNanos, trace, routeMetrics);
        conn.begin(ex);
        long timeoutAt = timerMillis == 0 ? 0 : arrivalNanos + TimeUnit.MILLISECONDS.toNanos(timerMillis);
        switch (model(route)) {
            case EVENT_LOOP -> {
                ex.execute();
                if (!ex.isCompleted()) {
                    conn.watchTimeout(ex, timeoutAt); // only a request still pending needs the timer
                }
            }
            case VIRTUAL -> {
                conn.watchTimeout(ex, timeoutAt);
                virtualThreads.execute(ex::execute);
            }
            case WORKER -> {
                conn.watchTimeout(ex, timeoutAt);
                WorkerPool.Task queued = workers.submit(ex::execute, conn.eventLoop());
                if (queued != null) {
                    ex.queuedAs(queued);
                } else if (ex.reject()) {
                    metrics.rejected.increment();
                    conn.send(ex, unavailable("the request queue is full", path));
                }
            }
        }
    }

    private boolean wantsTrace(NettyRequest request) {
        return switch (config.tracing()) {
            case OFF -> false;
            case ALWAYS -> true;
            case ON_REQUEST -> {
                String v = ((NettyHeaders) request.headers()).get(TRACE_HEADER);
                yield v != null && !v.equals("0");
            }
        };
    }

    /** Runs {@code task} under {@code route}'s execution model; false if the worker queue is full. */
    boolean execute(Route route, Runnable task, ConnectionHandler conn) {
        switch (model(route)) {
            case EVENT_LOOP -> conn.eventLoop().execute(task);
            case VIRTUAL -> virtualThreads.execute(task);
            case WORKER -> {
                return workers.trySubmit(task, conn.eventLoop());
            }
        }
        return true;
    }

    /** The caller's remaining budget from the {@link Deadline#HEADER} header; null when absent or malformed. */
    private static Duration propagatedTimeout(NettyRequest request) {
        String v = ((NettyHeaders) request.headers()).get(DEADLINE_HEADER);
        if (v == null) {
            return null;
        }
        try {
            long ms = Long.parseLong(v.strip());
            return ms < 0 ? null : Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * An error response made by a handler's exception or a mapper gets the fields its status
     * requires: {@code Allow} on a 405 (RFC 9110 15.5.6), {@code Retry-After} on a 503.
     */
    Response withRequiredHeaders(Response r, NettyRequest request) {
        if (r.status() == 405 && r.header("Allow") == null) {
            Set<String> allowed = routes.allowedMethods(rawPath(originForm(request.uri()))); // uri() is dot-free already
            return allowed.isEmpty() ? r : r.withHeader("Allow", String.join(", ", allowed));
        }
        if (r.status() == 503 && r.header("Retry-After") == null) {
            return r.withHeader("Retry-After", config.retryAfterSeconds());
        }
        return r;
    }

    Response unavailable(String detail, String path) {
        return Response.status(503).header("Retry-After", config.retryAfterSeconds())
                .problem(Problem.of(503, detail).withInstance(path));
    }

    void close() {
        if (watchdog != null) {
            watchdog.stop();
        }
        if (pinned != null) {
            pinned.close();
        }
        workers.shutdown();
        virtualThreads.shutdownNow();
    }

    /** What answers a request no route serves: 501, 404, the automatic OPTIONS, or 405 with Allow. */
    private Response unmatched(String method, String path, RouteTable.Match match) {
        if (!knownMethods.contains(method)) {
            return Problem.of(501, "the method " + method + " is not implemented by this server").withInstance(path).toResponse();
        } else if (match.allowed().isEmpty()) {
            return Problem.of(404, "no route for " + path).withInstance(path).toResponse();
        } else if (method.equals("OPTIONS")) {
            return Response.status(204).header("Allow", String.join(", ", match.allowed())).build();
        }
        return Response.status(405).header("Allow", String.join(", ", match.allowed()))
                .problem(Problem.of(405, method + " is not allowed on " + path).withInstance(path));
    }

    /** The percent-decoded path; one that encodes a control character (%00, %0A...) is refused. */
    private static String decodedPath(String target) {
        String path = PercentDecoding.path(target);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new IllegalArgumentException("the path encodes a control character");
            }
        }
        return path;
    }

    /** The path of an origin-form target, still percent-encoded. */
    private static String rawPath(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The authority of an absolute-form target: {@code http://a:8080/x?q} gives {@code a:8080}. */
    private static String authority(String uri) {
        int start = uri.indexOf("://") + 3;
        int end = start;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        return uri.substring(start, end);
    }

    /** Strips scheme and authority from an absolute-form target. */
    private static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            return uri;
        }
        int slash = uri.indexOf('/', scheme + 3);
        int query = uri.indexOf('?', scheme + 3);
        if (slash < 0 || query >= 0 && query < slash) {
            return "/" + (query >= 0 ? uri.substring(query) : "");
        }
        return uri.substring(slash);
    }
}
