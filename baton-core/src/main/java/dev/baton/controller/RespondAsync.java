package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets a client run an action, or every action of a class, as a long-running operation: with
 * {@code Prefer: respond-async} it gets {@code 202 Accepted} and a {@code Location} to poll, with
 * {@code Prefer: wait=N} the server waits up to N seconds for the result (RFC 7240). The same as
 * {@code routing.post(...).respondAsync()}; needs the operations feature on the server.
 *
 * <pre>{@code @RespondAsync @Post("/reports") CompletionStage<Report> build(@Body ReportRequest r) { ... }}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RespondAsync {
}
