package dev.baton.internal.netty;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.ServerConfig;
import dev.baton.context.TraceParent;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.internal.routing.RouteTable;
import dev.baton.routing.Middleware;
import dev.baton.routing.Route;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Takes a decoded request on its event loop and decides what becomes of it, in four steps:
 * parse its target once, route it, admit it (shutdown, in-flight cap), and make its exchange
 * with its deadline and its route's executor, chosen when the table was built. It returns that
 * decision and calls nothing back: the connection starts the exchange or writes the refusal.
 */
final class Dispatcher implements RequestDispatcher {
    private static final Set<String> STANDARD_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final AsciiString TRACE_HEADER = AsciiString.cached(dev.baton.Tracing.HEADER);
    /** The pattern of the route an unmatched request runs as, through the server's middleware. */
    static final String UNMATCHED_PATTERN = "/**";

    /** What a route-table entry carries besides its route: its numbers and where it runs. */
    private record Binding(ServerMetrics.RouteMetrics metrics, RouteExecutor executor) {
    }

    private final ServerParts server;
    private final ServerConfig config;
    private final RouteTable routes;
    private final ObjectMapper json;
    /** RFC 9110's methods and the routes' own: any other is answered 501 (RFC 9110 9.1). */
    private final Set<String> knownMethods;
    /** The Allow of {@code OPTIONS *}: every method some route serves. */
    private final String allowedAnywhere;
    /**
     * The server's middleware, which also sees what no route answers (404, 405, automatic
     * OPTIONS, 501): logging sees every request, CORS can answer a preflight. Empty: those
     * answers go out from the event loop at once.
     */
    private final List<Middleware> unmatchedChain;
    /** Unmatched requests' numbers and executor: not a route of stats().routes(). */
    private final Binding unmatched;
    /** The liveness and readiness probes; null when off. */
    private final Health health;
    private final StreamedRoutes streamedRoutes;

    Dispatcher(ServerParts server, RouteTable routes, List<Route> routeList, List<Middleware> serverMiddleware,
               ObjectMapper json, HandlerThreads threads, Health health) {
        this.server = server;
        this.health = health;
        this.config = server.config();
        this.routes = routes;
        this.json = json;
        this.streamedRoutes = StreamedRoutes.of(routes, routeList);
        this.unmatchedChain = List.copyOf(serverMiddleware);
        this.unmatched = new Binding(new ServerMetrics.RouteMetrics(),
                threads.forRoute(new Route("*", UNMATCHED_PATTERN, ctx -> null, null, null)));
        Set<String> methods = new TreeSet<>();
        for (Route r : routeList) {
            methods.add(r.method());
        }
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        methods.add("OPTIONS");
        this.allowedAnywhere = String.join(", ", methods);
        methods.addAll(STANDARD_METHODS);
        this.knownMethods = Set.copyOf(methods);
    }

    /** What the route table attaches to each route: made once, when the table is built. */
    static Object bind(Route route, ServerMetrics metrics, HandlerThreads threads) {
        return new Binding(metrics.route(route.toString()), threads.forRoute(route));
    }

    @Override
    public ServerParts server() {
        return server;
    }

    @Override
    public StreamedRoutes streamedRoutes() {
        return streamedRoutes;
    }

    @Override
    public Dispatch dispatch(FullHttpRequest req, long arrivalNanos, InetSocketAddress remote, dev.baton.tls.TlsSession tls,
                             ResponseSink sink) {
        String method = req.method().name();
        boolean head = method.equals("HEAD");
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        RequestTarget target;
        NettyRequest request;
        RouteTable.Match match;
        try {
            target = RequestTarget.parse(method, req.uri());
            if (target.authority() != null) {
                // RFC 9112 3.2.2: an absolute-form target's authority replaces the Host field
                req.headers().set(HttpHeaderNames.HOST, target.authority());
            }
            match = routes.find(method, target.rawPath());
            byte[] body = req.content().isReadable() ? ByteBufUtil.getBytes(req.content()) : null;
            request = new NettyRequest(method, target.uri(), target.path(), req.protocolVersion().text(), req.headers(), body,
                    remote, tls, json);
            if (req instanceof StreamedRequest streamed) {
                request.streamedBody(streamed.body, match.route());
            }
        } catch (IllegalArgumentException e) {
            return malformedTarget(e, method, head, arrivalNanos);
        } finally {
            req.release();
        }
        if (health != null && health.isProbe(target.rawPath())) {
            // before admission and the drain: a probe answers under overload and while stopping
            return new Dispatch.Refused(health.answer(method, target.rawPath(), sink.eventLoop()), keepAlive, head, false);
        }
        if (server.shutdown().isDraining()) {
            return shuttingDown(method, target, request, head, arrivalNanos);
        }
        if (target.asterisk()) {
            return new Dispatch.Refused(Response.status(204).header("Allow", allowedAnywhere).build(), keepAlive, head, false,
                    line(method, target.rawPath(), request, arrivalNanos));
        }
        Route route = match.route();
        Binding binding = (Binding) match.attachment();
        if (route == null) {
            Response answer = unmatched(method, target.path(), match);
            if (unmatchedChain.isEmpty()) {
                return new Dispatch.Refused(answer, keepAlive, head, false, line(method, target.rawPath(), request, arrivalNanos));
            }
            // through the server's middleware like any request, on the server's default model; one
            // pattern for all ("/**"), so that nothing keyed by route grows with the paths asked for
            route = new Route(method, UNMATCHED_PATTERN, Middleware.chain(unmatchedChain, ctx -> answer), null, null);
            binding = unmatched;
        }
        request.pathParams(match.pathParams());
        if (!admit()) {
            return overloaded(method, target, request, keepAlive, head, false, arrivalNanos);
        }
        RequestTrace trace = wantsTrace(request) ? new RequestTrace() : null;
        if (trace != null) {
            trace.add("accept", Thread.currentThread().getName(), System.nanoTime() - arrivalNanos);
        }
        return new Exchange(sink, server, request, target, route, binding.executor(), binding.metrics(),
                RequestTimeout.budget(config, route, request, arrivalNanos), keepAlive, head, arrivalNanos, trace);
    }

    @Override
    public Dispatch.Refused refuseBeforeBody(HttpRequest head) {
        String method = head.method().name();
        long arrivalNanos = System.nanoTime();
        RequestTarget target;
        try {
            target = RequestTarget.parse(method, head.uri());
        } catch (IllegalArgumentException e) {
            return malformedTarget(e, method, false, arrivalNanos);
        }
        if (server.shutdown().isDraining()) {
            return shuttingDown(method, target, null, false, arrivalNanos);
        }
        if (server.metrics().inFlight.get() >= config.maxInFlight()) {
            // the connection closes after it: its body is not read
            server.metrics().rejected.increment();
            return overloaded(method, target, null, false, false, true, arrivalNanos);
        }
        RouteTable.Match match = routes.find(method, target.rawPath());
        if (match.route() == null && !target.asterisk() && unmatchedChain.isEmpty()) {
            // only when nothing could answer otherwise: the server's middleware sees unmatched requests
            return new Dispatch.Refused(unmatched(method, target.path(), match), false, false, true,
                    line(method, target.rawPath(), null, arrivalNanos));
        }
        return null;
    }

    /** 400 for a target that does not parse; the connection closes after it. */
    private Dispatch.Refused malformedTarget(IllegalArgumentException e, String method, boolean head, long arrivalNanos) {
        return new Dispatch.Refused(Problem.of(400, "malformed request target: " + e.getMessage()).withInstance(null).toResponse(),
                false, head, true, line(method, null, null, arrivalNanos));
    }

    /** 503 while the server drains, counted as refused; the connection closes after it. */
    private Dispatch.Refused shuttingDown(String method, RequestTarget target, NettyRequest request, boolean head, long arrivalNanos) {
        server.shutdown().refused.increment();
        return new Dispatch.Refused(server.renderer().unavailable("the server is shutting down", target.path()), false, head, true,
                line(method, target.rawPath(), request, arrivalNanos));
    }

    /** 503 past the in-flight cap (the caller counts the rejection where it admits). */
    private Dispatch.Refused overloaded(String method, RequestTarget target, NettyRequest request, boolean keepAlive, boolean head,
                                        boolean close, long arrivalNanos) {
        return new Dispatch.Refused(server.renderer().unavailable("too many requests in flight", target.path()), keepAlive, head, close,
                line(method, target.rawPath(), request, arrivalNanos));
    }

    /** How the access log shows a refused request; null when the log is off. */
    private Dispatch.Refused.Line line(String method, String rawPath, NettyRequest request, long arrivalNanos) {
        if (server.accessLog() == null) {
            return null;
        }
        String trace = null;
        if (request != null) {
            List<String> values = request.headers().all(TraceParent.HEADER);
            trace = values.size() == 1 ? TraceParent.parse(values.get(0).strip()).map(TraceParent::traceId).orElse(null) : null;
        }
        return new Dispatch.Refused.Line(method, rawPath, trace, arrivalNanos);
    }

    /** The in-flight cap: past it, 503 from the event loop without touching a worker. */
    private boolean admit() {
        ServerMetrics metrics = server.metrics();
        if (metrics.inFlight.incrementAndGet() > config.maxInFlight()) {
            metrics.inFlight.decrementAndGet();
            metrics.rejected.increment();
            return false;
        }
        return true;
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
}
