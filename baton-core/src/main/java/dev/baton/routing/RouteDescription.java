package dev.baton.routing;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a route declares about its HTTP interface, for documentation (an OpenAPI document) and
 * tools: its parameters, body and result types. Nothing here changes how a request is served.
 * A controller action's is derived from its signature; a functional route has none unless it
 * declares one with {@link Routing.RouteSpec#describe}:
 *
 * <pre>{@code r.get("/gizmos/{id}", ctx -> store.find(ctx.request().path("id").asUuid()))
 *         .describe(d -> d.path("id", UUID.class).query("verbose", boolean.class).returns(Gizmo.class));
 * r.post("/gizmos", create).describe(d -> d.body(NewGizmo.class).returns(Gizmo.class).status(201));}</pre>
 *
 * Types are Java types as declared ({@code Optional<Gizmo>}, {@code CompletionStage<List<Gizmo>>});
 * for a generic one, pass a {@link java.lang.reflect.ParameterizedType}, e.g. Jackson's
 * {@code new TypeReference<List<Gizmo>>() {}.getType()}.
 *
 * @param summary      a short summary of what the route does; null for none
 * @param parameters   path, query and header parameters, in order; a path parameter of the pattern
 *                     missing here is a text parameter
 * @param body         the request body's type ({@code Optional<T>}: the body may be empty); null for none
 * @param returns      the result's type as the handler returns it ({@code void} for none,
 *                     {@code Response} for one the handler builds); null when not declared
 * @param status       the success status the route declares (201...); 0 to derive it from {@code returns}
 * @param respondAsync the route may answer 202 Accepted as a long-running operation
 *                     ({@link Routing.RouteSpec#respondAsync()}, {@code @RespondAsync})
 * @param action       the controller method behind the route; null for a functional route
 */
public record RouteDescription(String summary, List<Parameter> parameters, Type body, Type returns, int status,
                               boolean respondAsync, Method action) {

    /** A route that declares nothing: its path parameters are all that is known of it. */
    public static final RouteDescription NONE = new RouteDescription(null, List.of(), null, null, 0, false, null);

    public RouteDescription {
        parameters = List.copyOf(parameters);
        if (status != 0 && (status < 200 || status > 299)) {
            throw new IllegalArgumentException("a success status is 200..299, not " + status);
        }
    }

    /** Where a parameter is read from. */
    public enum In { PATH, QUERY, HEADER }

    /**
     * One path, query or header parameter.
     *
     * @param in       where it is read from
     * @param name     its name (a header's field name)
     * @param type     its Java type ({@code List<T>}: every value, {@code Optional<T>}: may be absent)
     * @param required the request must carry it (a path parameter always does)
     */
    public record Parameter(In in, String name, Type type, boolean required) {
        public Parameter {
            Objects.requireNonNull(in, "in");
            Objects.requireNonNull(type, "type");
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a parameter has a name");
            }
            if (in == In.PATH && !required) {
                throw new IllegalArgumentException("path parameter '" + name + "' is always required");
            }
        }
    }

    /** A copy that may, or may not, answer 202 as a long-running operation. */
    public RouteDescription withRespondAsync(boolean value) {
        return value == respondAsync ? this
                : new RouteDescription(summary, parameters, body, returns, status, value, action);
    }

    public static Builder builder() {
        return new Builder(NONE);
    }

    /** A builder that starts from this description. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link RouteDescription}; each parameter method adds one, in order. */
    public static final class Builder {
        private String summary;
        private final List<Parameter> parameters;
        private Type body;
        private Type returns;
        private int status;
        private boolean respondAsync;
        private Method action;

        private Builder(RouteDescription from) {
            summary = from.summary;
            parameters = new ArrayList<>(from.parameters);
            body = from.body;
            returns = from.returns;
            status = from.status;
            respondAsync = from.respondAsync;
            action = from.action;
        }

        public Builder summary(String value) {
            this.summary = value;
            return this;
        }

        /** The type of path parameter {@code name} of the pattern (without it: text). */
        public Builder path(String name, Type type) {
            return parameter(new Parameter(In.PATH, name, type, true));
        }

        /** An optional query parameter, as a handler reads one with a default. */
        public Builder query(String name, Type type) {
            return parameter(new Parameter(In.QUERY, name, type, false));
        }

        /** A query parameter the request must carry. */
        public Builder requiredQuery(String name, Type type) {
            return parameter(new Parameter(In.QUERY, name, type, true));
        }

        /** An optional header. */
        public Builder header(String name, Type type) {
            return parameter(new Parameter(In.HEADER, name, type, false));
        }

        /** A header the request must carry. */
        public Builder requiredHeader(String name, Type type) {
            return parameter(new Parameter(In.HEADER, name, type, true));
        }

        /** Adds a parameter; one of the same place and name is replaced. */
        public Builder parameter(Parameter p) {
            parameters.removeIf(q -> q.in() == p.in() && (p.in() == In.HEADER ? q.name().equalsIgnoreCase(p.name())
                    : q.name().equals(p.name())));
            parameters.add(p);
            return this;
        }

        /** Adds parameters, in order, as {@link #parameter} does. */
        public Builder parameters(List<Parameter> values) {
            values.forEach(this::parameter);
            return this;
        }

        /** The request body's type ({@code String}: text, {@code byte[]}: bytes, else JSON). */
        public Builder body(Type type) {
            this.body = type;
            return this;
        }

        /** The result's type ({@code void.class} for none). */
        public Builder returns(Type type) {
            this.returns = type;
            return this;
        }

        /** The success status (201 for a create...), when it is not what the result implies. */
        public Builder status(int value) {
            this.status = value;
            return this;
        }

        /** The controller method behind the route. */
        public Builder action(Method value) {
            this.action = value;
            return this;
        }

        public RouteDescription build() {
            return new RouteDescription(summary, parameters, body, returns, status, respondAsync, action);
        }
    }
}
