package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The action, or every action of the class, never times out (ASP.NET's {@code [NoAsyncTimeout]}):
 * for long polls and streams. A {@link Timeout} on an action beats this annotation on its class,
 * and the other way round.
 *
 * <pre>{@code @NoTimeout @Get("/changes") CompletionStage<List<Change>> poll() { ... }}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NoTimeout {
}
