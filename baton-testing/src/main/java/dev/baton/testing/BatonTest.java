package dev.baton.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class with the application running: {@link BatonExtension} builds it with the class's
 * {@link ServerFactory} method, starts it on port 0 before the class's tests and stops it after
 * them, and injects {@link dev.baton.Server}, {@link TestClient}, {@link java.net.URI} (the base
 * URI) and {@link SafetyNetReports} parameters.
 *
 * <pre>{@code
 * @BatonTest
 * class GizmoApiTest {
 *     @ServerFactory
 *     static Server.Builder app() { return GizmoApp.server(); }
 *
 *     @Test
 *     void findsAGizmo(TestClient client) {
 *         assertThat(client.send(client.get("/gizmos/7")).status()).isEqualTo(200);
 *     }
 * }
 * }</pre>
 *
 * For options (a client's settings, a fresh server per test, two servers), register the
 * extension in a field instead: {@link BatonExtension#of}.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BatonExtension.class)
public @interface BatonTest {

    /** A new server for each test method instead of one for the whole class. */
    boolean restartEachTest() default false;

    /** Serves HTTPS with the {@link TestCertificate}, which the injected client trusts (see {@link BatonExtension#https()}). */
    boolean https() default false;

    /** Fails each test after which the safety nets reported anything (see {@link SafetyNetReports#assertNone()}). */
    boolean failOnSafetyNetReports() default false;
}
