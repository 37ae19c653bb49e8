package dev.baton.controller.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.controller.ActionFilter;
import dev.baton.controller.AsyncOperations;
import dev.baton.controller.Completed;
import dev.baton.controller.Controller;
import dev.baton.controller.Delete;
import dev.baton.controller.Execution;
import dev.baton.controller.Get;
import dev.baton.controller.NoTimeout;
import dev.baton.controller.Patch;
import dev.baton.controller.Post;
import dev.baton.controller.Put;
import dev.baton.controller.Responder;
import dev.baton.controller.Timeout;
import dev.baton.internal.routing.RouteTable;
import dev.baton.routing.Handler;
import dev.baton.routing.Route;
import dev.baton.routing.RouteDescription;
import dev.baton.routing.Routing;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Compiles annotated controllers, once at startup, into the same {@link Route}s as functional
 * handlers: one handler per mapped method, with its binders, filters, timeout and
 * execution model decided here so that nothing is looked up per request.
 *
 * <pre>{@code new ControllerCompiler(json, globalFilters).register(routing, controllers);}</pre>
 */
public final class ControllerCompiler {
    private final ArgumentBinders binders;
    private final List<ActionFilter> globalFilters;
    private final ActionFilters filters = new ActionFilters();

    public ControllerCompiler(ObjectMapper json, List<ActionFilter> globalFilters) {
        this.binders = new ArgumentBinders(json);
        this.globalFilters = List.copyOf(globalFilters);
    }

    /**
     * Registers the routes of {@code controllers} on {@code routing}, after what it holds, so that
     * its middleware applies to them too; throws if a method and path end up mapped twice.
     */
    public void register(Routing routing, List<?> controllers) {
        List<Route> existing = routing.routes();
        List<String> origins = new ArrayList<>();
        for (Object controller : controllers) {
            compile(controller, routing, origins);
        }
        List<Route> all = routing.routes();
        Map<String, String> seen = new HashMap<>();
        for (Route r : existing) {
            seen.putIfAbsent(key(r), "a handler registered with routing(...)");
        }
        for (int i = 0; i < origins.size(); i++) {
            Route r = all.get(existing.size() + i);
            String previous = seen.putIfAbsent(key(r), origins.get(i));
            if (previous != null) {
                throw new IllegalStateException("two actions are mapped to " + r + ": " + previous + " and "
                        + origins.get(i) + "; change the method or the path of one of them");
            }
        }
    }

    private void compile(Object controller, Routing routing, List<String> origins) {
        if (controller == null || controller instanceof Class<?>) {
            throw new IllegalArgumentException("controllers(...) takes controller instances, not " + controller);
        }
        Class<?> type = controller.getClass();
        Controller declared = type.getAnnotation(Controller.class);
        String prefix = declared == null ? "" : declared.value();
        List<Method> methods = methodsOf(type);
        int mapped = 0;
        for (Method m : methods) {
            for (Map.Entry<String, String> mapping : mappings(m).entrySet()) {
                String pattern = join(prefix, mapping.getValue());
                Action action = action(controller, m, methods, pattern);
                Routing.RouteSpec spec = routing.route(mapping.getKey(), pattern, action.handler())
                        .describe(action.description());
                Duration timeout = timeout(m, type);
                if (timeout != null) {
                    if (timeout.isZero()) {
                        spec.noTimeout();
                    } else {
                        spec.timeout(timeout);
                    }
                }
                Execution execution = m.isAnnotationPresent(Execution.class) ? m.getAnnotation(Execution.class)
                        : type.getAnnotation(Execution.class);
                if (execution != null) {
                    spec.execution(execution.value());
                }
                if (m.isAnnotationPresent(dev.baton.controller.RespondAsync.class)
                        || type.isAnnotationPresent(dev.baton.controller.RespondAsync.class)) {
                    spec.respondAsync();
                }
                origins.add(describe(m));
                mapped++;
            }
        }
        if (mapped == 0) {
            throw new IllegalArgumentException(type.getName() + " has no action: annotate its methods with @Get, @Post, "
                    + "@Put, @Patch or @Delete");
        }
        // a @Completed that names no action taking AsyncOperations would never run: say so now
        for (Method c : methods) {
            Completed marked = c.getAnnotation(Completed.class);
            if (marked != null && methods.stream().noneMatch(a -> a.getName().equals(marked.value()) && !mappings(a).isEmpty()
                    && Arrays.asList(a.getParameterTypes()).contains(dev.baton.controller.AsyncOperations.class))) {
                throw new IllegalArgumentException(describe(c) + " is marked @Completed(\"" + marked.value()
                        + "\"), but " + type.getName() + " has no action of that name that takes AsyncOperations");
            }
        }
    }

    /** A compiled action: its handler, and what its signature declares. */
    private record Action(Handler handler, RouteDescription description) {
    }

    private Action action(Object controller, Method m, List<Method> methods, String pattern) {
        ArgumentBinders.Bound bound = binders.forAction(m, pattern);
        ArgumentBinder[] args = bound.binders();
        Set<Class<?>> types = new HashSet<>(Arrays.asList(m.getParameterTypes()));
        boolean responder = types.contains(Responder.class);
        boolean operations = types.contains(AsyncOperations.class);
        Class<?> returns = m.getReturnType();
        ActionHandler.Style style;
        OperationsTracker.Completion completion = null;
        // the result as declared: a Responder's value has no declared type; a completion method's is its own
        java.lang.reflect.Type result = m.getGenericReturnType();
        if (responder && operations) {
            throw new IllegalArgumentException(describe(m) + " takes both a Responder and AsyncOperations; pick one style");
        } else if (responder || operations) {
            if (returns != void.class) {
                throw new IllegalArgumentException(describe(m) + " takes " + (responder ? "a Responder" : "AsyncOperations")
                        + ", so it returns void: the " + (responder ? "responder" : "completion method") + " answers");
            }
            style = responder ? ActionHandler.Style.RESPONDER : ActionHandler.Style.OPERATIONS;
            result = null;
            if (operations) {
                Method target = completionMethod(m, methods);
                completion = completion(controller, target);
                result = target.getGenericReturnType();
            }
        } else if (CompletionStage.class.isAssignableFrom(returns)) {
            style = ActionHandler.Style.STAGE;
        } else if (Future.class.isAssignableFrom(returns)) {
            throw new IllegalArgumentException(describe(m) + " returns a " + returns.getSimpleName() + ", which cannot "
                    + "be awaited without blocking a thread; return a CompletionStage");
        } else {
            style = ActionHandler.Style.VALUE;
        }
        List<ActionFilter> applied = filters.around(controller.getClass(), m, globalFilters);
        Handler handler = ActionHandler.of(controller, m, style, args, applied, completion);
        return new Action(handler, RouteDescription.builder().action(m).body(bound.body()).returns(result)
                .parameters(bound.parameters()).build());
    }

    private OperationsTracker.Completion completion(Object controller, Method target) {
        MethodInvoker invoker = MethodInvoker.of(controller, target, binders.forCompletion(target));
        return invoker::call;
    }

    private static Method completionMethod(Method action, List<Method> methods) {
        String conventional = action.getName() + "Completed";
        List<Method> found = methods.stream().filter(c -> {
            Completed marked = c.getAnnotation(Completed.class);
            return marked != null ? marked.value().equals(action.getName()) : c.getName().equals(conventional);
        }).toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException(describe(action) + " takes AsyncOperations, so it needs exactly one "
                    + "completion method, named " + conventional + " or marked @Completed(\"" + action.getName()
                    + "\"); found " + (found.isEmpty() ? "none" : found.stream().map(ControllerCompiler::describe).toList()));
        }
        Method target = found.get(0);
        if (!mappings(target).isEmpty()) {
            throw new IllegalArgumentException(describe(target) + " completes " + describe(action)
                    + ", so it cannot be an action itself");
        }
        return target;
    }

    /** The action's timeout: null for the server default, zero for none. The action's annotation beats the class's. */
    private static Duration timeout(Method m, Class<?> type) {
        Duration own = timeoutOf(m, describe(m));
        return own != null ? own : timeoutOf(type, type.getName());
    }

    private static Duration timeoutOf(AnnotatedElement e, String where) {
        Timeout t = e.getAnnotation(Timeout.class);
        boolean none = e.isAnnotationPresent(NoTimeout.class);
        if (t != null && none) {
            throw new IllegalArgumentException(where + " has both @Timeout and @NoTimeout");
        }
        if (t != null && t.value() <= 0) {
            throw new IllegalArgumentException(where + ": @Timeout takes positive milliseconds; use @NoTimeout for none");
        }
        return none ? Duration.ZERO : t == null ? null : Duration.ofMillis(t.value());
    }

    /** HTTP method to path, for each mapping annotation on {@code m}. */
    private static Map<String, String> mappings(Method m) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m.getAnnotation(Get.class) instanceof Get a) {
            out.put("GET", a.value());
        }
        if (m.getAnnotation(Post.class) instanceof Post a) {
            out.put("POST", a.value());
        }
        if (m.getAnnotation(Put.class) instanceof Put a) {
            out.put("PUT", a.value());
        }
        if (m.getAnnotation(Patch.class) instanceof Patch a) {
            out.put("PATCH", a.value());
        }
        if (m.getAnnotation(Delete.class) instanceof Delete a) {
            out.put("DELETE", a.value());
        }
        return out;
    }

    /** Declared methods of the class and its superclasses, overrides once, in a stable order. */
    private static List<Method> methodsOf(Class<?> type) {
        Map<String, Method> bySignature = new LinkedHashMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            Arrays.stream(c.getDeclaredMethods())
                    .filter(m -> !m.isSynthetic() && !m.isBridge() && !Modifier.isAbstract(m.getModifiers()))
                    .sorted(Comparator.comparing(Method::getName).thenComparing(Method::getParameterCount))
                    .forEach(m -> bySignature.putIfAbsent(m.getName() + Arrays.toString(m.getParameterTypes()), m));
        }
        return List.copyOf(bySignature.values());
    }

    private static String join(String prefix, String path) {
        String left = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!left.isEmpty() && !left.startsWith("/")) {
            left = "/" + left;
        }
        if (path.isEmpty() || path.equals("/")) {
            return left.isEmpty() ? "/" : left;
        }
        return left + (path.startsWith("/") ? path : "/" + path);
    }

    /** Method and path as the route table compares them: parameter names and a trailing slash do not count. */
    private static String key(Route r) {
        return r.method() + " /" + RouteTable.segments(r.pattern()).stream()
                .map(s -> s.startsWith("{") && s.endsWith("}") ? "{}" : s)
                .collect(Collectors.joining("/"));
    }

    /** {@code GizmoController.find(UUID)}: how messages name an action. */
    static String describe(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName() + Arrays.stream(m.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }
}
