package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the completion method of an {@link AsyncOperations} action, when it is not named
 * {@code <action>Completed}. It runs once the action's outstanding operations reach zero, its
 * parameters bound by name from {@link AsyncOperations#parameters()}, and its return value is
 * the response.
 *
 * <pre>{@code @Completed("headlines") Page render(List<News> news, Weather weather) { ... }}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Completed {
    /** The name of the action method it completes. */
    String value();
}
