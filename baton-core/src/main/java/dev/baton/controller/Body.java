package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds the parameter to the request body: JSON parsed into the parameter's type (records, classes,
 * {@code List<T>}, ...), or the raw text for {@code String} and bytes for {@code byte[]}. Malformed
 * JSON is a 400, a non-JSON content type a 415, both naming the parameter. {@code Optional<T>}
 * accepts an empty body. Without an annotation, a parameter of a type that is not a simple value
 * is the body.
 *
 * <pre>{@code @Post Response create(@Body Gizmo gizmo)}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Body {
}
