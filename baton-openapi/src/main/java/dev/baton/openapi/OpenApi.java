package dev.baton.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.Server;
import dev.baton.ServerConfig;
import dev.baton.ServerFeature;
import dev.baton.context.RequestContext;
import dev.baton.http.HttpException;
import dev.baton.http.Response;
import dev.baton.openapi.internal.DocumentBuilder;
import dev.baton.routing.Route;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An OpenAPI 3.1 document of the server's routes, served by the server: controllers from their
 * signatures, functional routes from what they declare with
 * {@link dev.baton.routing.Routing.RouteSpec#describe} (else their path parameters alone), and
 * on every operation the problem+json answers the server gives by itself.
 *
 * <pre>{@code Server.builder()
 *     .feature(OpenApi.builder().title("Gizmos").version("1.0").path("/openapi.json").build())
 *     .controllers(new GizmoController(store))
 *     .build().start();}</pre>
 *
 * The document is built once, when the server starts (every route is known then), and served
 * from memory with a strong {@code ETag}: {@code GET} and {@code HEAD}, {@code If-None-Match}
 * answered 304. A request that arrives before the server's {@code start()} has returned gets 503.
 * Its own route is not in the document.
 */
public final class OpenApi implements ServerFeature {
    /** Where the document is served unless {@link Builder#path} says otherwise. */
    public static final String DEFAULT_PATH = "/openapi.json";

    private final DocumentBuilder.Info info;
    private final String path;
    private final Predicate<Route> include;
    private ServerConfig config;
    private ObjectMapper json;
    private volatile Served served;

    private OpenApi(Builder b) {
        this.info = new DocumentBuilder.Info(b.title, b.version, b.description, List.copyOf(b.servers));
        this.path = b.path;
        this.include = b.include;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The path the document is served at. */
    public String path() {
        return path;
    }

    @Override
    public synchronized void setup(Setup setup) {
        if (config != null) {
            throw new IllegalStateException("an OpenApi feature serves one server; build one per server");
        }
        config = setup.config();
        json = setup.objectMapper();
        setup.routing().get(path, this::serve);
    }

    @Override
    public void start(Server server) {
        List<Route> routes = server.routes().stream()
                .filter(r -> !(r.method().equals("GET") && r.pattern().equals(path)))
                .filter(include)
                .toList();
        ObjectNode document = new DocumentBuilder(json, config).build(info, routes);
        served = Served.of(document);
    }

    /**
     * The document as served, JSON text.
     *
     * @throws IllegalStateException before the server has started
     */
    public String document() {
        Served s = served;
        if (s == null) {
            throw new IllegalStateException("the document is built when the server starts: start it first");
        }
        return new String(s.body, StandardCharsets.UTF_8);
    }

    private Object serve(RequestContext ctx) {
        Served s = served;
        if (s == null) {
            throw new HttpException(503, "the OpenAPI document is built once the server has started");
        }
        String ifNoneMatch = ctx.request().headers().first("If-None-Match").orElse(null);
        if (ifNoneMatch != null && matches(ifNoneMatch, s.etag)) {
            return Response.status(304).header("ETag", s.etag).header("Cache-Control", "no-cache").build();
        }
        return Response.of(200, "application/json", s.body).withHeader("ETag", s.etag).withHeader("Cache-Control", "no-cache");
    }

    /** RFC 9110 13.1.2: weak comparison against a list of tags, or {@code *}. */
    private static boolean matches(String ifNoneMatch, String etag) {
        for (String t : ifNoneMatch.split(",")) {
            String tag = t.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /** The document's bytes and their tag. */
    private record Served(byte[] body, String etag) {
        private static final ObjectMapper WRITER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

        static Served of(ObjectNode document) {
            try {
                byte[] body = WRITER.writeValueAsBytes(document);
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
                return new Served(body, "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27) + "\"");
            } catch (JsonProcessingException | NoSuchAlgorithmException e) {
                throw new IllegalStateException("cannot write the OpenAPI document", e);
            }
        }
    }

    /** Builds an {@link OpenApi}. */
    public static final class Builder {
        private String title = "API";
        private String version = "1.0";
        private String description;
        private String path = DEFAULT_PATH;
        private final List<String> servers = new ArrayList<>();
        private Predicate<Route> include = r -> true;

        private Builder() {
        }

        /** The API's name ({@code info.title}); "API" by default. */
        public Builder title(String value) {
            this.title = nonEmpty(value, "title");
            return this;
        }

        /** The API's version ({@code info.version}, not OpenAPI's); "1.0" by default. */
        public Builder version(String value) {
            this.version = nonEmpty(value, "version");
            return this;
        }

        /** A longer description of the API (CommonMark); none by default. */
        public Builder description(String value) {
            this.description = value;
            return this;
        }

        /** Where the document is served; {@value OpenApi#DEFAULT_PATH} by default. */
        public Builder path(String value) {
            if (value == null || !value.startsWith("/") || value.contains("{")) {
                throw new IllegalArgumentException("the document's path is a literal path starting with '/': " + value);
            }
            this.path = value;
            return this;
        }

        /** Adds a base URL clients call ({@code servers}); without one, the document's own server. */
        public Builder server(String url) {
            servers.add(nonEmpty(url, "server url"));
            return this;
        }

        /** Documents only the routes {@code filter} accepts (to leave out /metrics, say); all by default. */
        public Builder include(Predicate<Route> filter) {
            this.include = Objects.requireNonNull(filter, "filter");
            return this;
        }

        public OpenApi build() {
            return new OpenApi(this);
        }

        private static String nonEmpty(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " is empty");
            }
            return value;
        }
    }
}
