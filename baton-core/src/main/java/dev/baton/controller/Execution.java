package dev.baton.controller;

import dev.baton.ExecutionModel;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which thread runs the action, or every action of the class; the action's annotation beats the
 * class's. Without it, the server's {@code defaultExecution} applies ({@link ExecutionModel#WORKER}
 * unless configured otherwise), which is safe for blocking code.
 *
 * <pre>{@code @Execution(ExecutionModel.EVENT_LOOP) @Get("/ping") String ping() { return "pong"; }}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Execution {
    ExecutionModel value();
}
