package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maps a controller method to {@code PATCH} requests for a path under the class's {@link Controller} prefix.
 *
 * <pre>{@code @Patch("/{id}") Gizmo rename(UUID id, @Body Rename change) { ... }}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Patch {
    /** The path pattern, e.g. {@code /gizmos/{id}}; empty for the prefix itself. */
    String value() default "";
}
