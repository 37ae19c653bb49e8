package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds the parameter to a query parameter; a {@code List} takes every value, an {@code Optional} may be absent, converted to the parameter's type; a missing or malformed value
 * is a 400 problem naming the parameter. Without an annotation, a parameter named like a
 * {@code {placeholder}} of the pattern is a path parameter and any other simple one a query parameter.
 *
 * <pre>{@code @Get Page list(@Query("page-size") Optional<Integer> size, @Query List<String> tag)}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Query {
    /** The query parameter name; empty for the Java parameter's name (the build compiles with {@code -parameters}). */
    String value() default "";
}
