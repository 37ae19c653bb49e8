package dev.baton.controller.internal;

import dev.baton.controller.ActionFilter;
import dev.baton.controller.Filters;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the filters that run around an action: global, then the class's {@link Filters},
 * then the action's. A filter class declared at several levels runs once, the most specific
 * declaration winning (action beats class beats global). Declared filter classes are
 * instantiated once each.
 */
final class ActionFilters {
    private final Map<Class<?>, ActionFilter> instances = new HashMap<>();

    private record Scoped(ActionFilter filter, int scope) {
    }

    /** The filters around {@code action} of {@code controller}, outermost first: by order, then global, class, action. */
    List<ActionFilter> around(Class<?> controller, Method action, List<ActionFilter> global) {
        Map<Class<?>, Scoped> byType = new LinkedHashMap<>();
        for (ActionFilter f : global) {
            byType.put(f.getClass(), new Scoped(f, 0));
        }
        declared(controller.getAnnotation(Filters.class), 1, byType);
        declared(action.getAnnotation(Filters.class), 2, byType);
        List<Scoped> sorted = new ArrayList<>(byType.values());
        sorted.sort(Comparator.comparingInt((Scoped s) -> s.filter.order()).thenComparingInt(Scoped::scope));
        return sorted.stream().map(Scoped::filter).toList();
    }

    private void declared(Filters declared, int scope, Map<Class<?>, Scoped> byType) {
        if (declared == null) {
            return;
        }
        for (Class<? extends ActionFilter> type : declared.value()) {
            byType.remove(type);
            byType.put(type, new Scoped(instances.computeIfAbsent(type, ActionFilters::instantiate), scope));
        }
    }

    private static ActionFilter instantiate(Class<?> type) {
        try {
            Constructor<?> c = type.getDeclaredConstructor();
            c.setAccessible(true);
            return (ActionFilter) c.newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("filter " + type.getName() + " is declared with @Filters, so it needs a "
                    + "no-argument constructor; or register an instance with Server.Builder.actionFilter(...)");
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot create filter " + type.getName() + ": " + e, e);
        }
    }
}
