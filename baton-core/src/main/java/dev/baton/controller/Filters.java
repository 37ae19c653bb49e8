package dev.baton.controller;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@link ActionFilter}s that run around an action, or around every action of the class.
 * Each class is instantiated once, through its no-argument constructor, and shared by every
 * request: filters must be thread-safe. When the same filter class is declared at several
 * levels only the most specific runs (action beats class beats global).
 *
 * <pre>{@code @Filters({AuditFilter.class, TimingFilter.class})}</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Filters {
    Class<? extends ActionFilter>[] value();
}
