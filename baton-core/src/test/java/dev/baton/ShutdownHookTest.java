package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testing.await.Await;
import dev.baton.support.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownHookTest {
    /** The child logs its start and stop (the test logging setup shows WARN and above only). */
    static final String INFO_LOG = "-Dorg.slf4j.simpleLogger.defaultLogLevel=info";

    static Server started(boolean hook) {
        return Server.builder().config(c -> c.host("127.0.0.1").port(0).shutdownHook(hook).workerThreads(2).eventLoopThreads(1))
                .routing(r -> r.get("/x", ctx -> "x")).build().start();
    }

    @Test
    void startInstallsAShutdownHookAndStopRemovesIt() {
        Server s = started(true);
        Thread hook = s.shutdownHook();
        assertThat(hook).isNotNull();
        // registered: the JVM refuses it a second time
        assertThatThrownBy(() -> Runtime.getRuntime().addShutdownHook(hook)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("previously registered");
        s.stop(Duration.ofSeconds(1));
        assertThat(s.shutdownHook()).isNull();
        assertThat(Runtime.getRuntime().removeShutdownHook(hook)).as("still registered after stop").isFalse();
        assertThat(hook.getState()).isEqualTo(Thread.State.NEW); // never ran
    }

    @Test
    void withTheHookOffNoneIsInstalled() {
        Server s = started(false);
        try {
            assertThat(s.shutdownHook()).isNull();
            assertThat(s.config().shutdownHook()).isFalse();
        } finally {
            s.stop(Duration.ofSeconds(1));
        }
        assertThat(ServerConfig.builder().build().shutdownHook()).isTrue();
    }

    @Test
    void manyServersStartedAndStoppedInOneJvmLeaveNoHookAndNoThreadBehind() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        List<Thread> hooks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Server s = started(true);
            hooks.add(s.shutdownHook());
            s.stop(Duration.ofMillis(200));
        }
        assertThat(hooks).doesNotContainNull().allSatisfy(h -> assertThat(Runtime.getRuntime().removeShutdownHook(h)).isFalse());
        Await.until("every thread the servers made has ended", Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet()
                .stream().filter(t -> !before.contains(t) && t.getName().startsWith("baton-")).findAny().isEmpty());
    }

    /** Sends SIGTERM to a child server while a request is in flight there; the request's response. */
    private static CompletableFuture<HttpResponse<String>> sigtermDuringARequest(ChildJvm child, HttpClient client) throws Exception {
        int port = Integer.parseInt(child.await("LISTENING ", Duration.ofSeconds(30)).strip());
        CompletableFuture<HttpResponse<String>> call = client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        child.await("STARTED", Duration.ofSeconds(10));
        child.sigterm();
        return call;
    }

    @Test
    void onSigtermTheHookLetsTheRequestInFlightFinish() throws Exception {
        try (ChildJvm child = ChildJvm.start(SigtermMain.class, List.of(ChildJvm.NATIVE_ACCESS, INFO_LOG), "hook"); HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = sigtermDuringARequest(child, client).get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("finished");
            assertThat(response.headers().firstValue("Connection")).hasValue("close");
            assertThat(child.awaitExit(Duration.ofSeconds(20))).isEqualTo(143); // 128 + SIGTERM: the JVM's exit for the signal
            assertThat(child.lines()).anyMatch(l -> l.contains("Baton stopped: ShutdownReport[inFlightAtStart=1, completed=1"));
        }
    }

    @Test
    void onSigtermWithoutTheHookTheRequestInFlightIsCut() throws Exception {
        try (ChildJvm child = ChildJvm.start(SigtermMain.class, List.of(ChildJvm.NATIVE_ACCESS, INFO_LOG), "no-hook"); HttpClient client = HttpClient.newHttpClient()) {
            CompletableFuture<HttpResponse<String>> call = sigtermDuringARequest(child, client);
            assertThat(child.awaitExit(Duration.ofSeconds(20))).isEqualTo(143);
            assertThat(child.lines()).anyMatch(l -> l.contains("Baton listening")).noneMatch(l -> l.contains("Baton stopped"));
            assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IOException.class);
        }
    }
}
