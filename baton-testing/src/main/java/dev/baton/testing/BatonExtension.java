package dev.baton.testing;

import dev.baton.Server;
import dev.baton.client.HttpClient;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * A JUnit 5 extension that runs a Baton application for a test class: it builds the server,
 * starts it on port 0, makes a {@link TestClient} bound to it, and stops both after the class's
 * tests (or after each test, {@link #restartEachTest()}). Test and lifecycle methods get them as
 * parameters: {@link Server}, {@link TestClient}, {@link URI} (the base URI,
 * {@code http://127.0.0.1:PORT}) and {@link SafetyNetReports} (since the test began).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BatonExtension app = BatonExtension.of(() -> Server.builder().routing(r -> r.get("/hello", ctx -> "Hello")));
 *
 * @Test
 * void saysHello(TestClient client) {
 *     assertThat(client.send(client.get("/hello")).text()).isEqualTo("Hello");
 * }
 * }</pre>
 *
 * Or declaratively, with {@link BatonTest} on the class and a {@link ServerFactory} method. In a
 * static field the server lives for the class (its {@code @Nested} classes included); in an
 * instance field, JUnit calls the extension around each test only, so it runs a server per test.
 * Several extensions in one class run several servers: reach each through its field
 * ({@link #server()}, {@link #client()}, {@link #baseUri()}), since parameters of the same type
 * would be ambiguous.
 */
public final class BatonExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final String RUNNING = "running";
    private static final String REPORTS = "reports";
    private static final List<Class<?>> INJECTED = List.of(Server.class, TestClient.class, URI.class, SafetyNetReports.class);

    /** Null when registered declaratively: the test class's {@link ServerFactory} method makes the server. */
    private final java.util.function.Function<BatonExtension, Server> factory;
    private Consumer<HttpClient.Builder> clientSettings = b -> { };
    private boolean restartEachTest;
    private boolean failOnSafetyNetReports;
    private boolean https;
    private Duration stopGrace = Duration.ofSeconds(2);
    private volatile Running current;

    /** For {@link BatonTest} and {@code @ExtendWith}: the server comes from the class's {@link ServerFactory} method. */
    public BatonExtension() {
        this.factory = null;
    }

    private BatonExtension(java.util.function.Function<BatonExtension, Server> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * An extension running the server {@code app} builds: set to port 0 on 127.0.0.1, built and
     * started by the extension. {@code app} is called for each server started, so that each
     * starts afresh.
     */
    public static BatonExtension of(Supplier<Server.Builder> app) {
        Objects.requireNonNull(app, "app");
        return new BatonExtension(self -> onPortZero(Objects.requireNonNull(app.get(), "the factory returned no Server.Builder"),
                self.https).build());
    }

    /**
     * An extension running the server {@code server} makes, built and not started: for a test that
     * must reach the server between build and start (to bind metrics, give a client its event
     * loops). Its configuration says where it listens: make that port 0.
     */
    public static BatonExtension ofServer(Supplier<Server> server) {
        Objects.requireNonNull(server, "server");
        return new BatonExtension(self -> Objects.requireNonNull(server.get(), "the factory returned no Server"));
    }

    /** Adjusts the injected client's {@link HttpClient.Builder}, after the test defaults (one event loop, no retries). */
    public BatonExtension client(Consumer<HttpClient.Builder> adjust) {
        requireProgrammatic();
        clientSettings = Objects.requireNonNull(adjust, "adjust");
        return this;
    }

    /**
     * Serves HTTPS with the {@link TestCertificate} (for {@link #of}: a server made by
     * {@link #ofServer} sets its own TLS). The injected client trusts it whenever the server
     * speaks TLS, and the base URI is {@code https://127.0.0.1:PORT}.
     */
    public BatonExtension https() {
        requireProgrammatic();
        https = true;
        return this;
    }

    /** A new server for each test method instead of one for the whole class. */
    public BatonExtension restartEachTest() {
        requireProgrammatic();
        restartEachTest = true;
        return this;
    }

    /**
     * Fails each test after which the safety nets reported anything (see
     * {@link SafetyNetReports#assertNone()}). A test that already failed is not checked. Reports
     * counted after a test ends (a blocked loop seen late) count for the next one.
     */
    public BatonExtension failOnSafetyNetReports() {
        requireProgrammatic();
        failOnSafetyNetReports = true;
        return this;
    }

    /** The grace period of the server's stop after the tests (2 s by default). */
    public BatonExtension stopGrace(Duration grace) {
        requireProgrammatic();
        if (grace.isNegative()) {
            throw new IllegalArgumentException("a negative grace period: " + grace);
        }
        stopGrace = grace;
        return this;
    }

    /** The running server. */
    public Server server() {
        return running().server;
    }

    /** The client bound to the running server. */
    public TestClient client() {
        return running().client;
    }

    /** The running server's base URI, {@code http://127.0.0.1:PORT}. */
    public URI baseUri() {
        return running().client.baseUri();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!restartEachTest(context) && find(context) == null) {
            start(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Running r = find(context);
        if (r == null || restartEachTest(context)) {
            r = start(context);
        }
        context.getStore(namespace()).put(REPORTS, SafetyNetReports.of(r.server));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            SafetyNetReports reports = context.getStore(namespace()).remove(REPORTS, SafetyNetReports.class);
            if (reports != null && failOnSafetyNetReports(context) && context.getExecutionException().isEmpty()) {
                reports.assertNone();
            }
        } finally {
            stopIfStartedBy(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopIfStartedBy(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return INJECTED.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Running r = find(context);
        if (r == null) {
            throw new ParameterResolutionException("no Baton server is running for " + parameter.getDeclaringExecutable()
                    + " (with a server per test, a test's constructor runs before it starts: take "
                    + type.getSimpleName() + " as a parameter of the test or of a @BeforeEach method)");
        }
        if (type == Server.class) {
            return r.server;
        }
        if (type == TestClient.class) {
            return r.client;
        }
        if (type == URI.class) {
            return r.client.baseUri();
        }
        SafetyNetReports reports = context.getStore(namespace()).get(REPORTS, SafetyNetReports.class);
        return reports != null && reports.server() == r.server ? reports : SafetyNetReports.of(r.server);
    }

    @Override
    public String toString() {
        Running r = current;
        return "BatonExtension[" + (r == null ? "not running" : r.client.baseUri()) + "]";
    }

    private Running running() {
        Running r = current;
        if (r == null) {
            throw new IllegalStateException("the server is not running: it runs while the tests of the class that registers the "
                    + "extension run (in a static field, from before the first to after the last; in an instance field, "
                    + "around each test)");
        }
        return r;
    }

    private Running start(ExtensionContext context) {
        Server server = factory != null ? factory.apply(this) : fromServerFactory(context);
        server.start();
        TestClient client;
        try {
            client = TestClient.of(TestClient.baseUri(server), b -> {
                if (server.config().tls().isPresent()) {
                    b.trustCertificates(TestCertificate.certificate()); // a server with its own certificate: trust it in client(...)
                }
                clientSettings.accept(b);
            });
        } catch (RuntimeException | Error e) {
            server.stop(Duration.ZERO);
            throw e;
        }
        Running r = new Running(server, client, context.getUniqueId());
        context.getStore(namespace()).put(RUNNING, r);
        current = r;
        return r;
    }

    private void stopIfStartedBy(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(namespace());
        Running r = store.get(RUNNING, Running.class); // an enclosing context's when this one started none
        if (r == null || !r.owner.equals(context.getUniqueId())) {
            return;
        }
        store.remove(RUNNING);
        if (current == r) {
            current = null;
        }
        try {
            r.client.close();
        } finally {
            r.server.stop(stopGrace);
        }
        if (current == null) {
            // an enclosing class's server, still running, is the current one again
            context.getParent().map(this::find).ifPresent(outer -> current = outer);
        }
    }

    private Running find(ExtensionContext context) {
        return context.getStore(namespace()).get(RUNNING, Running.class);
    }

    /** One namespace per extension instance: two extensions in a class keep two servers apart. */
    private ExtensionContext.Namespace namespace() {
        return ExtensionContext.Namespace.create(BatonExtension.class, this);
    }

    private boolean restartEachTest(ExtensionContext context) {
        return factory != null ? restartEachTest : annotation(context).map(BatonTest::restartEachTest).orElse(false);
    }

    private boolean failOnSafetyNetReports(ExtensionContext context) {
        return factory != null ? failOnSafetyNetReports : annotation(context).map(BatonTest::failOnSafetyNetReports).orElse(false);
    }

    private void requireProgrammatic() {
        if (factory == null) {
            throw new IllegalStateException("registered with @BatonTest or @ExtendWith: set the options on @BatonTest");
        }
    }

    private static Server.Builder onPortZero(Server.Builder b, boolean https) {
        return b.config(c -> {
            c.port(0).host("127.0.0.1");
            if (https) {
                c.tls(TestCertificate.tlsConfig());
            }
        });
    }

    /** {@link BatonTest} on the test class or, for a {@code @Nested} one, on an enclosing class. */
    private static Optional<BatonTest> annotation(ExtensionContext context) {
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            Optional<BatonTest> a = AnnotationSupport.findAnnotation(c, BatonTest.class);
            if (a.isPresent()) {
                return a;
            }
        }
        return Optional.empty();
    }

    private static Server fromServerFactory(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            List<Method> found = AnnotationSupport.findAnnotatedMethods(c, ServerFactory.class, HierarchyTraversalMode.BOTTOM_UP);
            if (found.size() > 1) {
                throw new ExtensionConfigurationException(c.getName() + " has " + found.size()
                        + " @ServerFactory methods, " + found + ": keep one");
            }
            if (found.size() == 1) {
                Method m = found.get(0);
                if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0
                        || !(Server.Builder.class.isAssignableFrom(m.getReturnType()) || Server.class.isAssignableFrom(m.getReturnType()))) {
                    throw new ExtensionConfigurationException("@ServerFactory " + m + " must be static, take no parameters"
                            + " and return a Server.Builder or a Server (built, not started)");
                }
                Object made = ReflectionSupport.invokeMethod(m, null);
                if (made == null) {
                    throw new ExtensionConfigurationException("@ServerFactory " + m + " returned null");
                }
                return made instanceof Server.Builder b ? onPortZero(b, annotation(context).map(BatonTest::https).orElse(false)).build() : (Server) made;
            }
        }
        throw new ExtensionConfigurationException(testClass.getName() + " runs a Baton server (@BatonTest or @ExtendWith("
                + "BatonExtension.class)) but has no @ServerFactory method: add a static one returning a Server.Builder, "
                + "or register BatonExtension.of(...) in a static field with @RegisterExtension");
    }

    /** A started server and its client, and the context that started them (the one that stops them). */
    private record Running(Server server, TestClient client, String owner) {
    }
}
