package dev.baton.openapi.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.ServerConfig;
import dev.baton.http.Response;
import dev.baton.http.Status;
import dev.baton.routing.Route;
import dev.baton.routing.RouteDescription;
import dev.baton.routing.RouteDescription.In;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * Builds an OpenAPI 3.1 document from a server's routes: one path item per pattern, one
 * operation per method, with what each route's {@link RouteDescription} declares, and the
 * problem+json answers the server itself gives on every operation.
 */
public final class DocumentBuilder {
    /** Header parameters OpenAPI ignores (3.1, 4.8.12.1): the request's framing and content negotiation. */
    private static final Set<String> IGNORED_HEADERS = Set.of("accept", "content-type", "authorization");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The methods a path item can hold (3.1, 4.8.9): a route of another method (PURGE) is left out. */
    private static final Set<String> METHODS = Set.of("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE");

    private final ObjectMapper json;
    private final ServerConfig config;

    /** The document's own fields. */
    public record Info(String title, String version, String description, List<String> servers) {
    }

    public DocumentBuilder(ObjectMapper json, ServerConfig config) {
        this.json = json;
        this.config = config;
    }

    public ObjectNode build(Info info, List<Route> routes) {
        Schemas schemas = new Schemas(json);
        Problems problems = new Problems(config);
        ObjectNode doc = NODES.objectNode().put("openapi", "3.1.0");
        ObjectNode i = doc.putObject("info").put("title", info.title()).put("version", info.version());
        if (info.description() != null) {
            i.put("description", info.description());
        }
        if (!info.servers().isEmpty()) {
            ArrayNode servers = doc.putArray("servers");
            info.servers().forEach(url -> servers.addObject().put("url", url));
        }
        ObjectNode paths = doc.putObject("paths");
        List<Route> documented = routes.stream().filter(r -> METHODS.contains(r.method())).toList();
        Map<Route, String> ids = operationIds(documented);
        for (Route route : documented) {
            ObjectNode item = paths.has(path(route.pattern())) ? (ObjectNode) paths.get(path(route.pattern()))
                    : paths.putObject(path(route.pattern()));
            item.set(route.method().toLowerCase(Locale.ROOT), operation(route, ids.get(route), schemas, problems));
        }
        ObjectNode components = doc.putObject("components");
        ObjectNode s = components.putObject("schemas");
        schemas.components().forEach(s::set);
        ObjectNode responses = components.putObject("responses");
        problems.used().forEach(responses::set);
        return doc;
    }

    private ObjectNode operation(Route route, String operationId, Schemas schemas, Problems problems) {
        RouteDescription d = route.description();
        ObjectNode op = NODES.objectNode();
        if (d.action() != null) {
            op.putArray("tags").add(d.action().getDeclaringClass().getSimpleName());
        }
        if (d.summary() != null) {
            op.put("summary", d.summary());
        }
        op.put("operationId", operationId);

        ArrayNode parameters = NODES.arrayNode();
        List<String> template = templateNames(route.pattern());
        for (String name : template) {
            Type type = d.parameters().stream().filter(p -> p.in() == In.PATH && p.name().equals(name))
                    .map(RouteDescription.Parameter::type).findFirst().orElse(String.class);
            parameters.add(parameter(name, "path", true, type, schemas));
        }
        for (RouteDescription.Parameter p : d.parameters()) {
            if (p.in() == In.QUERY) {
                parameters.add(parameter(p.name(), "query", p.required(), p.type(), schemas));
            } else if (p.in() == In.HEADER && !IGNORED_HEADERS.contains(p.name().toLowerCase(Locale.ROOT))) {
                parameters.add(parameter(p.name(), "header", p.required(), p.type(), schemas));
            }
        }
        boolean preferDeclared = d.parameters().stream().anyMatch(p -> p.in() == In.HEADER && p.name().equalsIgnoreCase("Prefer"));
        if (d.respondAsync() && !preferDeclared) {
            ObjectNode prefer = parameter("Prefer", "header", false, String.class, schemas);
            prefer.put("description", "respond-async: answer 202 at once and run the request as a long-running "
                    + "operation; wait=N: wait up to N seconds for the result first (RFC 7240)");
            parameters.add(prefer);
        }
        if (!parameters.isEmpty()) {
            op.set("parameters", parameters);
        }

        boolean jsonBody = false;
        if (d.body() != null) {
            JavaType body = json.constructType(d.body());
            boolean optional = body.getRawClass() == Optional.class || body.isReferenceType();
            JavaType content = optional ? body.containedTypeOrUnknown(0) : body;
            ObjectNode rb = op.putObject("requestBody").put("required", !optional);
            ObjectNode media = rb.putObject("content");
            Class<?> raw = content.getRawClass();
            if (raw == String.class || raw == CharSequence.class) {
                media.putObject("text/plain").set("schema", Schemas.typed("string"));
            } else if (raw == byte[].class) {
                media.putObject("application/octet-stream");
            } else {
                media.putObject("application/json").set("schema", schemas.of(content));
                jsonBody = true;
            }
        }

        ObjectNode responses = op.putObject("responses");
        boolean optionalResult = success(d, responses, schemas);
        if (d.respondAsync()) {
            responses.set("202", accepted());
        }
        boolean inputs = !parameters.isEmpty() || d.body() != null;
        if (inputs) {
            responses.set("400", problems.ref(400));
        }
        if (optionalResult || !template.isEmpty()) {
            responses.set("404", problems.ref(404));
        }
        if (d.body() != null) {
            responses.set("413", problems.ref(413));
        }
        if (jsonBody) {
            responses.set("415", problems.ref(415));
        }
        responses.set("500", problems.ref(500));
        responses.set("503", problems.ref(503));
        Duration timeout = route.timeoutOverride().orElse(config.requestTimeout());
        if (!timeout.isZero()) { // the timeout's own status, which may be one of those above
            responses.set(Integer.toString(config.timeoutStatus()), problems.ref(config.timeoutStatus()));
        }
        return op;
    }

    /**
     * The success response, from the declared result: a stage's value, an {@code Optional}'s
     * (empty: 404), nothing (204), text, bytes, a {@link Response} the handler builds (any
     * status, so {@code 2XX}) or JSON. True when the result is an {@code Optional}.
     */
    private boolean success(RouteDescription d, ObjectNode responses, Schemas schemas) {
        if (d.returns() == null) {
            String status = d.status() != 0 ? Integer.toString(d.status()) : "2XX";
            responses.putObject(status).put("description", d.status() != 0 ? Status.reason(d.status())
                    : "the handler's response; its type is not declared");
            return false;
        }
        JavaType result = json.constructType(d.returns());
        if (CompletionStage.class.isAssignableFrom(result.getRawClass())) {
            JavaType[] params = result.findTypeParameters(CompletionStage.class);
            result = params.length == 1 ? params[0] : json.constructType(Object.class);
        }
        boolean optional = result.getRawClass() == Optional.class;
        if (optional) {
            result = result.containedTypeOrUnknown(0);
        }
        Class<?> raw = result.getRawClass();
        if (raw == Response.class || raw == Object.class) {
            responses.putObject(d.status() != 0 ? Integer.toString(d.status()) : "2XX")
                    .put("description", "a response the handler builds");
            return optional;
        }
        boolean none = raw == void.class || raw == Void.class || d.status() == 204;
        int status = d.status() != 0 ? d.status() : none ? 204 : 200;
        ObjectNode r = responses.putObject(Integer.toString(status)).put("description", Status.reason(status));
        if (none) {
            return optional;
        }
        ObjectNode content = r.putObject("content");
        if (raw == String.class || CharSequence.class.isAssignableFrom(raw)) {
            content.putObject("text/plain").set("schema", Schemas.typed("string"));
        } else if (raw == byte[].class) {
            content.putObject("application/octet-stream");
        } else {
            content.putObject("application/json").set("schema", schemas.of(result));
        }
        return optional;
    }

    private static ObjectNode accepted() {
        ObjectNode r = NODES.objectNode().put("description",
                "Accepted: the request runs as a long-running operation (it asked Prefer: respond-async); "
                        + "Location names the operation to poll");
        ObjectNode headers = r.putObject("headers");
        headers.putObject("Location").put("description", "the operation's URL")
                .putObject("schema").put("type", "string").put("format", "uri");
        headers.putObject("Operation-Location").put("description", "the operation's URL, as Azure's guidelines name it")
                .putObject("schema").put("type", "string").put("format", "uri");
        r.putObject("content").putObject("application/json").putObject("schema").put("type", "object")
                .put("description", "the operation's status");
        return r;
    }

    private static ObjectNode parameter(String name, String in, boolean required, Type type, Schemas schemas) {
        ObjectNode p = NODES.objectNode().put("name", name).put("in", in).put("required", required);
        p.set("schema", schemas.ofText(type));
        return p;
    }

    /**
     * One id per operation: a controller action's method name, its class's name first when two
     * share it, and the HTTP method after when one action has several mappings; a functional
     * route's method and path ({@code getGizmosById}); numbered if still alike.
     */
    private static Map<Route, String> operationIds(List<Route> routes) {
        List<java.util.function.Function<Route, String>> levels = List.of(
                r -> r.description().action() == null ? shortId(r)
                        : r.description().action().getDeclaringClass().getSimpleName() + "_" + shortId(r),
                r -> r.description().action() == null ? shortId(r)
                        : r.description().action().getDeclaringClass().getSimpleName() + "_" + shortId(r) + "_"
                                + r.method().toLowerCase(Locale.ROOT));
        Map<Route, String> ids = new LinkedHashMap<>();
        for (Route r : routes) {
            ids.put(r, shortId(r));
        }
        for (java.util.function.Function<Route, String> level : levels) {
            Map<String, Integer> uses = new HashMap<>();
            ids.values().forEach(id -> uses.merge(id, 1, Integer::sum));
            ids.replaceAll((r, id) -> uses.get(id) > 1 ? level.apply(r) : id);
        }
        Map<String, Integer> taken = new TreeMap<>();
        ids.replaceAll((r, id) -> {
            int n = taken.merge(id, 1, Integer::sum);
            return n == 1 ? id : id + "_" + n;
        });
        return ids;
    }

    private static String shortId(Route r) {
        if (r.description().action() != null) {
            return r.description().action().getName();
        }
        StringBuilder b = new StringBuilder(r.method().toLowerCase(Locale.ROOT));
        List<String> segments = segments(r.pattern());
        if (segments.isEmpty()) {
            b.append("Root");
        }
        for (String s : segments) {
            boolean param = s.startsWith("{") && s.endsWith("}");
            String word = capitalized(param ? s.substring(1, s.length() - 1) : s);
            b.append(param ? "By" + word : word);
        }
        return b.toString();
    }

    private static String capitalized(String s) {
        StringBuilder b = new StringBuilder();
        boolean upper = true;
        for (char c : s.toCharArray()) {
            if (!Character.isLetterOrDigit(c)) {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    /** The pattern as an OpenAPI path: the same templates, without a trailing slash. */
    static String path(String pattern) {
        return "/" + String.join("/", segments(pattern));
    }

    private static List<String> segments(String pattern) {
        List<String> out = new ArrayList<>();
        for (String s : pattern.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static List<String> templateNames(String pattern) {
        return segments(pattern).stream().filter(s -> s.startsWith("{") && s.endsWith("}"))
                .map(s -> s.substring(1, s.length() - 1)).toList();
    }
}
