package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The async timeout of an action, or of every action of a class, over the server's global
 * {@code requestTimeout} (30 s by default); the action's annotation beats the class's. When it
 * fires the client gets 504 and the request's {@code CancellationToken} fires with {@code TIMEOUT}.
 * As ASP.NET's {@code [AsyncTimeout]}.
 *
 * <pre>{@code @Timeout(2000) @Get("/report") CompletionStage<Report> report() { ... }}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Timeout {
    /** Milliseconds, positive. */
    long value();
}
