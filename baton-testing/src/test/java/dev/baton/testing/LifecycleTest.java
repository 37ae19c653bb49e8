package dev.baton.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.baton.Server;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs small test classes that use the extension (the nested static classes below, which
 * surefire does not run by themselves: it skips nested classes, and none is named *Test) and
 * checks when their servers start and stop.
 */
class LifecycleTest {
    /** The servers the fixtures saw, in order; a fixture's {@code @AfterAll} sees whether its server still runs. */
    static final List<Server> servers = new CopyOnWriteArrayList<>();
    static final List<String> events = new CopyOnWriteArrayList<>();

    static TestExecutionSummary run(Class<?> fixture) {
        servers.clear();
        events.clear();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, new TestExecutionListener[] {summary});
        return summary.getSummary();
    }

    static boolean running(Server s) {
        try {
            TestClient c = TestClient.of(s);
            try (c) {
                return c.send(c.get("/"), Duration.ofSeconds(5)).status() == 200;
            }
        } catch (AssertionError e) {
            return false; // refused: stopped
        }
    }

    static Server.Builder hello() {
        return Server.builder().routing(r -> {
            r.get("/", ctx -> "hello");
            r.get("/sync-leak", ctx -> {
                ctx.pendingWork().begin("fire and forget", () -> { });
                return "returned at once";
            });
        });
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class OneServerForTheClass {
        @RegisterExtension
        static final BatonExtension app = BatonExtension.of(LifecycleTest::hello);

        @Test
        void first(Server s) {
            servers.add(s);
        }

        @Test
        void second(Server s) {
            servers.add(s);
        }

        @AfterAll
        static void after() {
            events.add("afterAll running=" + running(servers.get(0)));
        }
    }

    @Test
    void aStaticExtensionRunsOneServerForTheClassAndStopsItAfter() {
        TestExecutionSummary s = run(OneServerForTheClass.class);
        assertThat(s.getTestsSucceededCount()).isEqualTo(2);
        assertThat(servers).hasSize(2);
        assertThat(servers.get(0)).isSameAs(servers.get(1));
        assertThat(events).containsExactly("afterAll running=true"); // the extension's afterAll runs after the class's
        assertThat(running(servers.get(0))).isFalse();
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class AServerForEachMethod {
        @RegisterExtension
        static final BatonExtension app = BatonExtension.of(LifecycleTest::hello).restartEachTest();

        @Test
        void first(Server s) {
            servers.add(s);
        }

        @Test
        void second(Server s) {
            servers.add(s);
            events.add("first stopped=" + !running(servers.get(0)));
        }
    }

    @Test
    void restartEachTestRunsAFreshServerForEachTest() {
        TestExecutionSummary s = run(AServerForEachMethod.class);
        assertThat(s.getTestsSucceededCount()).isEqualTo(2);
        assertThat(servers.get(0)).isNotSameAs(servers.get(1));
        assertThat(events).containsExactly("first stopped=true");
        assertThat(servers).noneMatch(LifecycleTest::running);
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class InAnInstanceField {
        @RegisterExtension
        final BatonExtension app = BatonExtension.of(LifecycleTest::hello);

        @Test
        void first(Server s) {
            servers.add(s);
            assertThat(app.server()).isSameAs(s);
        }

        @Test
        void second(Server s) {
            servers.add(s);
        }
    }

    @Test
    void anInstanceFieldRunsAServerPerTest() {
        TestExecutionSummary s = run(InAnInstanceField.class);
        assertThat(s.getTestsSucceededCount()).isEqualTo(2);
        assertThat(servers.get(0)).isNotSameAs(servers.get(1));
        assertThat(servers).noneMatch(LifecycleTest::running);
    }

    @BatonTest
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class Declared {
        @ServerFactory
        static Server.Builder app() {
            return hello();
        }

        @Test
        void first(Server s, TestClient client) {
            servers.add(s);
            assertThat(client.send(client.get("/")).text()).isEqualTo("hello");
        }

        @Test
        void second(Server s) {
            servers.add(s);
        }
    }

    @Test
    void batonTestUsesTheServerFactoryMethod() {
        TestExecutionSummary s = run(Declared.class);
        assertThat(s.getTestsSucceededCount()).isEqualTo(2);
        assertThat(servers.get(0)).isSameAs(servers.get(1));
        assertThat(running(servers.get(0))).isFalse();
    }

    @BatonTest(restartEachTest = true)
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class DeclaredWithABuiltServer {
        @ServerFactory
        static Server app() {
            return hello().config(c -> c.port(0).host("127.0.0.1")).build();
        }

        @Test
        void first(Server s) {
            servers.add(s);
        }

        @Test
        void second(Server s) {
            servers.add(s);
        }
    }

    @Test
    void aServerFactoryMayReturnABuiltServerAndBatonTestTakesOptions() {
        TestExecutionSummary s = run(DeclaredWithABuiltServer.class);
        assertThat(s.getTestsSucceededCount()).isEqualTo(2);
        assertThat(servers.get(0)).isNotSameAs(servers.get(1));
    }

    @BatonTest
    static class WithoutAFactory {
        @Test
        void never() {
        }
    }

    @Test
    void aMissingServerFactoryIsAClearFailure() {
        TestExecutionSummary s = run(WithoutAFactory.class);
        assertThat(s.getFailures()).hasSize(1);
        assertThat(s.getFailures().get(0).getException())
                .hasMessageContaining("has no @ServerFactory method");
    }

    static class StrictAboutSafetyNets {
        @RegisterExtension
        static final BatonExtension app = BatonExtension.of(LifecycleTest::hello).failOnSafetyNetReports();

        @Test
        void clean(TestClient client) {
            assertThat(client.send(client.get("/")).text()).isEqualTo("hello");
        }

        @Test
        void leaks(TestClient client, SafetyNetReports reports) {
            assertThat(client.send(client.get("/sync-leak")).text()).isEqualTo("returned at once");
            events.add("reported " + reports.awaitAtLeast(SafetyNetReports.Kind.ASYNC_IN_SYNC_STAGE, 1, Duration.ofSeconds(5)));
        }

        @Test
        void failsAnyway() {
            throw new AssertionError("its own failure");
        }
    }

    @Test
    void failOnSafetyNetReportsFailsTheTestAfterWhichTheyReported() {
        TestExecutionSummary s = run(StrictAboutSafetyNets.class);
        assertThat(s.getTestsSucceededCount()).isEqualTo(1);
        assertThat(events).containsExactly("reported 1");
        assertThat(s.getFailures()).hasSize(2).anySatisfy(f -> {
            assertThat(f.getTestIdentifier().getDisplayName()).startsWith("leaks");
            assertThat(f.getException()).isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("the safety nets reported: asyncInSyncStage 1");
        }).anySatisfy(f -> assertThat(f.getException()).hasMessage("its own failure").hasNoSuppressedExceptions());
    }

    static class TwoServers {
        @RegisterExtension
        static final BatonExtension backend = BatonExtension.of(() -> Server.builder().routing(r -> r.get("/", ctx -> "backend")));
        @RegisterExtension
        static final BatonExtension frontend = BatonExtension.of(() -> Server.builder().routing(r -> r.get("/", ctx -> "frontend")));

        @Test
        void eachThroughItsField() {
            assertThat(backend.server()).isNotSameAs(frontend.server());
            assertThat(backend.client().send(backend.client().get("/")).text()).isEqualTo("backend");
            assertThat(frontend.client().send(frontend.client().get("/")).text()).isEqualTo("frontend");
            servers.add(backend.server());
            servers.add(frontend.server());
        }
    }

    @Test
    void twoExtensionsRunTwoServers() {
        TestExecutionSummary s = run(TwoServers.class);
        assertThat(s.getTestsSucceededCount()).isEqualTo(1);
        assertThat(servers).hasSize(2).noneMatch(LifecycleTest::running);
    }

    @Test
    void theAccessorsFailClearlyWhenNoServerRuns() {
        BatonExtension idle = BatonExtension.of(LifecycleTest::hello);
        org.assertj.core.api.Assertions.assertThatThrownBy(idle::server)
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the server is not running");
    }

    @Test
    void aStartedServerStaysUsableByHand() throws Exception {
        // the helpers outside the extension: a server of one's own, its reports and its client
        Server s = hello().config(c -> c.port(0).host("127.0.0.1")).build().start();
        try (TestClient c = TestClient.of(s)) {
            SafetyNetReports reports = SafetyNetReports.of(s);
            CompletableFuture<String> body = c.get("/").send(dev.baton.client.BodyReader.text());
            assertThat(body.get()).isEqualTo("hello");
            reports.assertNone();
        } finally {
            s.stop(Duration.ofSeconds(1));
        }
    }
}
