package dev.baton.controller.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.PendingWork;
import dev.baton.context.RequestContext;
import dev.baton.controller.AsyncOperations;
import dev.baton.controller.Body;
import dev.baton.controller.Header;
import dev.baton.controller.PathParam;
import dev.baton.controller.Query;
import dev.baton.controller.Responder;
import dev.baton.http.HttpException;
import dev.baton.internal.json.JsonBodyProblems;
import dev.baton.http.Param;
import dev.baton.http.Request;
import dev.baton.internal.routing.RouteTable;
import dev.baton.routing.RouteDescription;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides at startup where each parameter of an action comes from (path, query, header, body or
 * an injected object) and builds the {@link ArgumentBinder} that fetches and converts it.
 */
final class ArgumentBinders {
    private final ObjectMapper json;

    ArgumentBinders(ObjectMapper json) {
        this.json = json;
    }

    /**
     * An action's binders, and what they read as a route declares it: its path, query and header
     * parameters and its body's type (null when none).
     */
    record Bound(ArgumentBinder[] binders, List<RouteDescription.Parameter> parameters, Type body) {
    }

    /** The binders of an action mapped to {@code pattern}. */
    Bound forAction(Method action, String pattern) {
        Set<String> pathNames = RouteTable.segments(pattern).stream()
                .filter(s -> s.startsWith("{") && s.endsWith("}"))
                .map(s -> s.substring(1, s.length() - 1))
                .collect(Collectors.toSet());
        Parameter[] params = action.getParameters();
        ArgumentBinder[] binders = new ArgumentBinder[params.length];
        List<RouteDescription.Parameter> described = new ArrayList<>();
        String body = null;
        Type bodyType = null;
        for (int i = 0; i < params.length; i++) {
            Parameter p = params[i];
            Annotation source = sourceOf(action, p);
            ArgumentBinder injected = injected(p.getType(), true);
            if (injected != null) {
                if (source != null) {
                    throw error(action, p, "is injected (" + p.getType().getSimpleName() + "), it takes no @"
                            + source.annotationType().getSimpleName());
                }
                binders[i] = injected;
                continue;
            }
            String name = nameOf(action, p, source);
            Type type = p.getParameterizedType();
            if (source instanceof Body || source == null && !pathNames.contains(name) && !isText(type)) {
                if (body != null) {
                    throw error(action, p, "is a second request body after '" + body
                            + "'; only one parameter can be bound to the body");
                }
                body = name;
                bodyType = type;
                binders[i] = body(name, type);
            } else if (source instanceof PathParam || source == null && pathNames.contains(name)) {
                if (!pathNames.contains(name)) {
                    throw error(action, p, "names path parameter '" + name + "', which is not in " + pattern);
                }
                binders[i] = text(Source.PATH, name, type, action, p);
                described.add(new RouteDescription.Parameter(RouteDescription.In.PATH, name, type, true));
            } else {
                boolean header = source instanceof Header;
                binders[i] = text(header ? Source.HEADER : Source.QUERY, name, type, action, p);
                Class<?> raw = rawClass(type);
                // every parameter is required but an Optional<T> or a List<T> (empty when absent)
                described.add(new RouteDescription.Parameter(header ? RouteDescription.In.HEADER : RouteDescription.In.QUERY,
                        name, type, raw != Optional.class && raw != List.class));
            }
        }
        return new Bound(binders, List.copyOf(described), bodyType);
    }

    /** The binders of an {@link AsyncOperations} completion method: by name from its parameters. */
    ArgumentBinder[] forCompletion(Method completion) {
        Parameter[] params = completion.getParameters();
        ArgumentBinder[] binders = new ArgumentBinder[params.length];
        for (int i = 0; i < params.length; i++) {
            Parameter p = params[i];
            ArgumentBinder injected = p.getType() == AsyncOperations.class ? (ctx, async) -> async // its parameters, all of them
                    : injected(p.getType(), false);
            binders[i] = injected != null ? injected : fromOperations(completion, p, nameOf(completion, p, null));
        }
        return binders;
    }

    private static ArgumentBinder injected(Class<?> type, boolean action) {
        if (type == RequestContext.class) {
            return (ctx, async) -> ctx;
        } else if (type == Request.class) {
            return (ctx, async) -> ctx.request();
        } else if (type == CancellationToken.class) {
            return (ctx, async) -> ctx.cancellation();
        } else if (type == Deadline.class) {
            return (ctx, async) -> ctx.deadline();
        } else if (type == PendingWork.class) {
            return (ctx, async) -> ctx.pendingWork();
        } else if (action && (type == Responder.class || type == AsyncOperations.class)) {
            return (ctx, async) -> async;
        }
        return null;
    }

    private ArgumentBinder text(Source source, String name, Type type, Method action, Parameter p) {
        Class<?> raw = rawClass(type);
        boolean many = raw == List.class;
        boolean optional = raw == Optional.class;
        if ((many || optional) && source == Source.PATH) {
            throw error(action, p, "is a path parameter, which is always present and single; use a plain type");
        }
        Class<?> element = many || optional ? rawClass(typeArgument(type)) : raw;
        Function<Param, Object> convert = element == null ? null : TextConverters.forType(element);
        if (convert == null) {
            throw error(action, p, "is a " + source.kind + " parameter of type " + simpleName(type)
                    + ", which cannot be converted from text");
        }
        if (many) {
            return (ctx, async) -> {
                List<String> values = source.values(ctx.request(), name);
                List<Object> out = new ArrayList<>(values.size());
                for (String v : values) {
                    out.add(convert.apply(new Param(source.kind, name, v)));
                }
                return List.copyOf(out);
            };
        }
        if (optional) {
            return (ctx, async) -> {
                Param value = source.param(ctx.request(), name);
                return value.isPresent() ? Optional.of(convert.apply(value)) : Optional.empty();
            };
        }
        return switch (source) { // one lambda per source keeps the per-request path free of the switch
            case PATH -> (ctx, async) -> convert.apply(ctx.request().path(name));
            case QUERY -> (ctx, async) -> convert.apply(ctx.request().query(name));
            case HEADER -> (ctx, async) -> convert.apply(ctx.request().header(name));
        };
    }

    private ArgumentBinder body(String name, Type type) {
        boolean optional = rawClass(type) == Optional.class;
        Type target = optional ? typeArgument(type) : type;
        Function<Request, Object> read = reader(target);
        String prefix = "body parameter '" + name + "': ";
        return (ctx, async) -> {
            Request r = ctx.request();
            if (optional && r.body().length == 0) {
                return Optional.empty();
            }
            Object value;
            try {
                value = read.apply(r);
            } catch (HttpException e) {
                throw new HttpException(e.status(), prefix + e.getMessage());
            }
            return optional ? Optional.of(value) : value;
        };
    }

    private Function<Request, Object> reader(Type type) {
        if (type == String.class) {
            return Request::bodyText;
        } else if (type == byte[].class) {
            return Request::body;
        } else if (type instanceof Class<?> c) {
            return r -> r.bodyAs(c);
        }
        // generic types (List<Gizmo>, Map<String, Integer>): parse once as a tree, then bind
        ObjectReader reader = json.readerFor(json.constructType(type));
        String shown = simpleName(type);
        return r -> {
            JsonNode tree = r.bodyAs(JsonNode.class);
            try {
                return reader.readValue(tree);
            } catch (JsonProcessingException e) {
                throw JsonBodyProblems.badRequest(e, shown);
            } catch (java.io.IOException e) {
                throw new HttpException(400, "unreadable JSON body");
            }
        };
    }

    private static ArgumentBinder fromOperations(Method completion, Parameter p, String name) {
        Type type = p.getParameterizedType();
        boolean optional = p.getType() == Optional.class;
        Class<?> expected = boxed(optional ? rawClass(typeArgument(type)) : p.getType());
        String where = "parameter '" + name + "' of " + ControllerCompiler.describe(completion);
        return (ctx, async) -> {
            Object value = ((AsyncOperations) async).parameters().get(name);
            if (value == null) {
                if (p.getType().isPrimitive()) {
                    throw new IllegalStateException(where + " is a " + p.getType() + " but no operation put '"
                            + name + "' in AsyncOperations.parameters()");
                }
                return optional ? Optional.empty() : null;
            }
            if (expected != null && !expected.isInstance(value)) {
                throw new IllegalStateException(where + " is a " + simpleName(type) + " but the operations put a "
                        + value.getClass().getName() + " under '" + name + "'");
            }
            return optional ? Optional.of(value) : value;
        };
    }

    /** True when {@code type} (or the element of its List or Optional) converts from text. */
    private static boolean isText(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == List.class || raw == Optional.class) {
            raw = rawClass(typeArgument(type));
        }
        return raw != null && TextConverters.forType(raw) != null;
    }

    private static Annotation sourceOf(Method action, Parameter p) {
        Annotation found = null;
        for (Annotation a : p.getAnnotations()) {
            if (a instanceof PathParam || a instanceof Query || a instanceof Header || a instanceof Body) {
                if (found != null) {
                    throw error(action, p, "has both @" + found.annotationType().getSimpleName() + " and @"
                            + a.annotationType().getSimpleName());
                }
                found = a;
            }
        }
        return found;
    }

    private static String nameOf(Method m, Parameter p, Annotation source) {
        String declared = switch (source) {
            case PathParam a -> a.value();
            case Query a -> a.value();
            case Header a -> a.value();
            case null, default -> "";
        };
        if (!declared.isEmpty()) {
            return declared;
        }
        if (!p.isNamePresent()) {
            throw error(m, p, "has no name: compile with -parameters, or name it in its annotation (@Query(\"limit\"))");
        }
        return p.getName();
    }

    static IllegalArgumentException error(Method m, Parameter p, String what) {
        return new IllegalArgumentException(ControllerCompiler.describe(m) + ": parameter '" + p.getName() + "' " + what);
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private static Type typeArgument(Type type) {
        return type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
    }

    private static Class<?> boxed(Class<?> c) {
        if (c == null || !c.isPrimitive()) {
            return c;
        }
        return java.lang.invoke.MethodType.methodType(c).wrap().returnType();
    }

    static String simpleName(Type type) {
        return type.getTypeName().replace('$', '.').replaceAll("\\b(\\w+\\.)+", "");
    }

    /** Where a text parameter comes from. */
    private enum Source {
        PATH("path"), QUERY("query"), HEADER("header");

        final String kind;

        Source(String kind) {
            this.kind = kind;
        }

        Param param(Request r, String name) {
            return switch (this) {
                case PATH -> r.path(name);
                case QUERY -> r.query(name);
                case HEADER -> r.header(name);
            };
        }

        List<String> values(Request r, String name) {
            return switch (this) {
                case PATH -> List.of(r.path(name).asString());
                case QUERY -> r.queryParams().getOrDefault(name, List.of());
                case HEADER -> listElements(r.headers().all(name));
            };
        }

        /**
         * A list header's elements (RFC 9110 5.6.1): {@code X-L: 1, 2} means what {@code X-L: 1}
         * and {@code X-L: 2} mean. Commas inside a quoted string do not split; empty elements go.
         */
        private static List<String> listElements(List<String> fieldValues) {
            List<String> out = new ArrayList<>(fieldValues.size());
            for (String v : fieldValues) {
                boolean quoted = false;
                int start = 0;
                for (int i = 0; i <= v.length(); i++) {
                    char c = i < v.length() ? v.charAt(i) : ',';
                    if (c == '"' && (i == 0 || v.charAt(i - 1) != '\\')) {
                        quoted = !quoted;
                    } else if (c == ',' && (!quoted || i == v.length())) {
                        String element = v.substring(start, i).strip();
                        if (!element.isEmpty()) {
                            out.add(element);
                        }
                        start = i + 1;
                    }
                }
            }
            return out;
        }
    }
}
