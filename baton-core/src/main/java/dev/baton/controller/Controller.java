package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a controller class and gives the path prefix of its actions. Optional: any object with
 * {@link Get}/{@link Post}/... methods can be registered; without this annotation there is no prefix.
 *
 * <pre>{@code @Controller("/gizmos")
 * public class GizmoController { @Get("/{id}") Gizmo find(UUID id) { ... } }
 * Server.builder().controllers(new GizmoController(store));}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Controller {
    /** The path prefix of every action in the class, e.g. {@code /gizmos}. */
    String value() default "";
}
