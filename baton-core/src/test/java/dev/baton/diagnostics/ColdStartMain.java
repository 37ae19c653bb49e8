package dev.baton.diagnostics;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.ServerStats;
import dev.baton.context.PendingWork;
import dev.baton.controller.Controller;
import dev.baton.controller.Get;
import dev.baton.http.EventStream;
import dev.baton.http.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A server in a cold JVM of its own, for {@link ColdStartSafetyNetsTest}: a route of each kind,
 * each written the right way, so that any safety-net report while they first run is a false
 * alarm; and one route that blocks its event loop on purpose, the control that shows a report
 * would have been seen. Prints {@code LISTENING <port>}; on stdin, {@code stats} prints
 * {@code STATS <counts>}, {@code stop} stops the server, prints them once more and exits.
 */
public final class ColdStartMain {
    private static final Executor LATER = CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS);

    public record Gizmo(UUID id, String name, Instant made, List<String> parts) {
    }

    static Gizmo gizmo(UUID id) {
        return new Gizmo(id, "gizmo", Instant.parse("2024-01-01T00:00:00Z"), List.of("cog", "spring"));
    }

    @Controller("/controller")
    public static final class Gizmos {
        @Get("/{id}")
        public CompletionStage<Gizmo> find(UUID id) {
            return CompletableFuture.supplyAsync(() -> gizmo(id), LATER);
        }

        @Get("/sync/{id}")
        public Gizmo findNow(UUID id) {
            return gizmo(id);
        }
    }

    public static void main(String[] args) throws Exception {
        Server server = Server.builder()
                .config(c -> c.host("127.0.0.1").port(0).shutdownHook(false))
                .controllers(new Gizmos())
                .routing(r -> {
                    r.get("/worker/{id}", ctx -> gizmo(ctx.request().path("id").asUuid()));
                    r.get("/async", ctx -> CompletableFuture.supplyAsync(() -> "async", LATER));
                    r.get("/loop", ctx -> Map.of("ran on", "the event loop")).execution(ExecutionModel.EVENT_LOOP);
                    r.get("/loop-async", ctx -> CompletableFuture.supplyAsync(() -> "later, from the loop", LATER))
                            .execution(ExecutionModel.EVENT_LOOP);
                    r.get("/virtual", ctx -> gizmo(UUID.randomUUID())).execution(ExecutionModel.VIRTUAL);
                    r.get("/tracked", ctx -> {
                        PendingWork.Ticket ticket = ctx.pendingWork().begin("a timer", () -> { });
                        return CompletableFuture.supplyAsync(() -> "tracked", LATER).whenComplete((v, e) -> ticket.close());
                    });
                    r.get("/stream", ctx -> Response.ok().stream("text/plain", sink -> sink.write("first,")
                            .thenCompose(v -> sink.write("last")).whenComplete((v, e) -> sink.close())));
                    r.get("/events", ctx -> EventStream.of(events -> events.send("one")
                            .thenCompose(v -> events.send("two")).whenComplete((v, e) -> events.close())));
                    r.get("/control/block-the-loop", ctx -> {
                        Thread.sleep(1000); // blocks its event loop on purpose: the control
                        return "blocked";
                    }).execution(ExecutionModel.EVENT_LOOP);
                })
                .build().start();
        System.out.println("LISTENING " + server.port());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null) {
            if (command.equals("stats")) {
                System.out.println("STATS " + counts(server.stats()));
            } else if (command.equals("stop")) {
                server.stop();
                System.out.println("STATS " + counts(server.stats()));
                return;
            }
        }
    }

    static String counts(ServerStats stats) {
        ServerStats.SafetyNets n = stats.safetyNets();
        return "pendingAtCompletion=" + n.pendingAtCompletion() + " asyncInSyncStage=" + n.asyncInSyncStage()
                + " blockedEventLoop=" + n.blockedEventLoop() + " fakeAsync=" + n.fakeAsync()
                + " virtualThreadPinned=" + n.virtualThreadPinned() + " completed=" + stats.completed();
    }
}
