package dev.baton.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the static method, without parameters, that makes the application of a {@link BatonTest}
 * class. It returns either a {@code Server.Builder}, which the extension sets to port 0 on
 * 127.0.0.1 and builds, or a {@code Server} built and not started (then its own configuration
 * says where it listens: make that port 0). One per class; a {@code @Nested} class uses its
 * enclosing class's.
 *
 * <pre>{@code @ServerFactory static Server.Builder app() { return Server.builder().routing(Routes::all); }}</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ServerFactory {
}
