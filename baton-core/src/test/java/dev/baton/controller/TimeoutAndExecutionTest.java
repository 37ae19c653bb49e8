package dev.baton.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.context.CancellationReason;
import dev.baton.context.CancellationToken;
import dev.baton.routing.Route;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timeouts: a 200 ms global default on this server, actions that take 600 ms. The annotation
 * nearest the action wins: action, then class, then the server. Actions run on the event loop by
 * default here, so that each has run before its timeout can fire: on a worker, a slow machine could
 * time a request out while it still waits in the queue, and its action would never run.
 */
class TimeoutAndExecutionTest {
    static ControllerServer server;
    static final Map<String, CompletableFuture<CancellationReason>> cancelled = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        server = ControllerServer.start(b -> b.config(c -> c.requestTimeout(Duration.ofMillis(200))
                        .defaultExecution(ExecutionModel.EVENT_LOOP)),
                new Plain(), new Patient(), new Relaxed(), new Threads());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Answers after 600 ms, and records whether the request's token fired. */
    static CompletionStage<String> slow(String name, CancellationToken token) {
        CompletableFuture<CancellationReason> fired = new CompletableFuture<>();
        cancelled.put(name, fired);
        token.onCancel(fired::complete);
        return CompletableFuture.supplyAsync(() -> name + " finished",
                CompletableFuture.delayedExecutor(600, TimeUnit.MILLISECONDS));
    }

    @Controller("/plain")
    public static class Plain {
        @Get("/slow")
        public CompletionStage<String> slow(CancellationToken token) {
            return TimeoutAndExecutionTest.slow("plain/slow", token);
        }

        @NoTimeout
        @Get("/forever")
        public CompletionStage<String> forever(CancellationToken token) {
            return TimeoutAndExecutionTest.slow("plain/forever", token);
        }

        @Timeout(5000)
        @Get("/patient")
        public CompletionStage<String> patient(CancellationToken token) {
            return TimeoutAndExecutionTest.slow("plain/patient", token);
        }
    }

    @Controller("/patient")
    @Timeout(5000)
    public static class Patient {
        @Get("/slow")
        public CompletionStage<String> slow(CancellationToken token) {
            return TimeoutAndExecutionTest.slow("patient/slow", token);
        }

        @Timeout(200)
        @Get("/hasty")
        public CompletionStage<String> hasty(CancellationToken token) {
            return TimeoutAndExecutionTest.slow("patient/hasty", token);
        }
    }

    @Controller("/relaxed")
    @NoTimeout
    public static class Relaxed {
        @Get("/slow")
        public CompletionStage<String> slow(CancellationToken token) {
            return TimeoutAndExecutionTest.slow("relaxed/slow", token);
        }

        @Timeout(200)
        @Get("/hasty")
        public CompletionStage<String> hasty(CancellationToken token) {
            return TimeoutAndExecutionTest.slow("relaxed/hasty", token);
        }
    }

    @Controller("/threads")
    @Execution(ExecutionModel.VIRTUAL)
    @NoTimeout // about threads, not timeouts: a loaded machine may be slow to give a request its thread
    public static class Threads {
        @Get("/class")
        public boolean onClassModel() {
            return Thread.currentThread().isVirtual();
        }

        @Execution(ExecutionModel.WORKER)
        @Get("/action")
        public String onActionModel() {
            return Thread.currentThread().getName();
        }
    }

    @Test
    void theAnnotationNearestTheActionDecidesTheTimeout() throws Exception {
        String[] paths = {"/plain/slow", "/plain/forever", "/plain/patient", "/patient/slow", "/patient/hasty",
                "/relaxed/slow", "/relaxed/hasty"};
        Map<String, CompletableFuture<HttpResponse<String>>> pending = java.util.Arrays.stream(paths)
                .collect(Collectors.toMap(Function.identity(), server::getAsync));
        Map<String, Integer> status = new java.util.TreeMap<>();
        for (var e : pending.entrySet()) {
            status.put(e.getKey(), e.getValue().get(10, TimeUnit.SECONDS).statusCode());
        }
        assertThat(status).containsExactlyInAnyOrderEntriesOf(Map.of(
                "/plain/slow", 504,      // the global default
                "/plain/forever", 200,   // @NoTimeout on the action
                "/plain/patient", 200,   // @Timeout on the action beats the global default
                "/patient/slow", 200,    // @Timeout on the class beats the global default
                "/patient/hasty", 504,   // @Timeout on the action beats the class
                "/relaxed/slow", 200,    // @NoTimeout on the class
                "/relaxed/hasty", 504)); // @Timeout on the action beats @NoTimeout on the class
        assertThat(pending.get("/plain/forever").get().body()).isEqualTo("plain/forever finished");
        assertThat(cancelled.get("plain/slow").get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.TIMEOUT);
        assertThat(cancelled.get("patient/hasty").get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.TIMEOUT);
        assertThat(cancelled.get("plain/forever")).isNotDone();
    }

    @Test
    void theCompiledRoutesCarryTheTimeoutsAndExecutionModels() {
        Map<String, Route> routes = server.server.routes().stream()
                .collect(Collectors.toMap(Route::pattern, Function.identity()));
        assertThat(routes.get("/plain/slow").timeoutOverride()).isEmpty();
        assertThat(routes.get("/plain/forever").timeoutOverride()).hasValue(Duration.ZERO);
        assertThat(routes.get("/patient/slow").timeoutOverride()).hasValue(Duration.ofSeconds(5));
        assertThat(routes.get("/patient/hasty").timeoutOverride()).hasValue(Duration.ofMillis(200));
        assertThat(routes.get("/plain/slow").execution()).isNull();
        assertThat(routes.get("/threads/class").execution()).isEqualTo(ExecutionModel.VIRTUAL);
        assertThat(routes.get("/threads/action").execution()).isEqualTo(ExecutionModel.WORKER);
        assertThat(routes.get("/threads/action").handler()).hasToString("Threads.onActionModel()");
    }

    @Test
    void anExecutionAnnotationPicksTheThreadThatRunsTheAction() throws Exception {
        assertThat(server.get("/threads/class").body()).isEqualTo("true");
        assertThat(server.get("/threads/action").body()).startsWith("baton-worker-");
    }
}
