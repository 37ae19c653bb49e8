package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds the parameter to a request header; a {@code List} takes every value, an {@code Optional} may be absent, converted to the parameter's type; a missing or malformed value
 * is a 400 problem naming the parameter. Without an annotation, a parameter named like a
 * {@code {placeholder}} of the pattern is a path parameter and any other simple one a query parameter.
 *
 * <pre>{@code @Get String whoami(@Header("X-User") String user)}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Header {
    /** The header name (case-insensitive); empty for the Java parameter's name (the build compiles with {@code -parameters}). */
    String value() default "";
}
