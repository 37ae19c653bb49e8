package dev.baton.internal.netty;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import dev.baton.internal.routing.RouteTable;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a response ready to write, on the thread that completed it: the fields its status
 * requires, whoever built it (handler, middleware, mapper), and a JSON body serialized to bytes
 * (the encoder copies them after the head into one buffer). Also the server's own answers: a
 * problem's JSON and the 503 of overload and shutdown.
 */
final class ResponseRenderer {
    private static final Logger log = LoggerFactory.getLogger(ResponseRenderer.class);

    private final ObjectMapper json;
    private final RouteTable routes;
    private final long retryAfterSeconds;
    private final ResponseCompression compression;

    ResponseRenderer(ObjectMapper json, RouteTable routes, long retryAfterSeconds) {
        this(json, routes, retryAfterSeconds, ResponseCompression.OFF);
    }

    ResponseRenderer(ObjectMapper json, RouteTable routes, long retryAfterSeconds, ResponseCompression compression) {
        this.json = json;
        this.routes = routes;
        this.retryAfterSeconds = retryAfterSeconds;
        this.compression = compression;
    }

    /** A response and its body's JSON (null for other bodies). */
    record Rendered(Response response, byte[] json) {
    }

    /** {@code response} to the request routed at {@code rawPath}, ready to write; one whose JSON fails becomes a 500. */
    Rendered render(Response response, String rawPath, Object route, String path) {
        Response out = withRequiredHeaders(response, rawPath);
        if (response.bodyKind() != Response.BodyKind.JSON) {
            return new Rendered(out, null);
        }
        try {
            return new Rendered(out, json.writeValueAsBytes(response.body()));
        } catch (Exception e) {
            log.error("{}: cannot serialize the {} body of a {} response", route,
                    response.body() == null ? "null" : response.body().getClass().getName(), response.status(), e);
            Response problem = Problem.of(500, "the response body could not be serialized").withInstance(path).toResponse();
            return new Rendered(problem, problemJson(problem));
        }
    }

    /** {@code answer} in the content coding the request with these headers gets. */
    Rendered encoded(Rendered answer, dev.baton.http.Headers requestHeaders) {
        return compression.apply(answer, requestHeaders);
    }

    /** The server's own answer (a problem, or no JSON at all), which always serializes. */
    Rendered own(Response response) {
        return new Rendered(response, response.bodyKind() == Response.BodyKind.JSON ? problemJson(response) : null);
    }

    /** A problem's JSON; the server's own problems always serialize. */
    byte[] problemJson(Response problem) {
        try {
            return json.writeValueAsBytes(problem.body());
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialize a problem", e);
        }
    }

    /**
     * An error response made by a handler's exception or a mapper gets the fields its status
     * requires: {@code Allow} on a 405 (RFC 9110 15.5.6), {@code Retry-After} on a 503.
     */
    Response withRequiredHeaders(Response r, String rawPath) {
        if (r.status() == 405 && r.header("Allow") == null) {
            Set<String> allowed = routes.allowedMethods(rawPath);
            return allowed.isEmpty() ? r : r.withHeader("Allow", String.join(", ", allowed));
        }
        if (r.status() == 503 && r.header("Retry-After") == null) {
            return r.withHeader("Retry-After", retryAfterSeconds);
        }
        return r;
    }

    /** 503 with {@code Retry-After}: overload, a full queue, shutdown. */
    Response unavailable(String detail, String path) {
        return Response.status(503).header("Retry-After", retryAfterSeconds)
                .problem(Problem.of(503, detail).withInstance(path));
    }
}
