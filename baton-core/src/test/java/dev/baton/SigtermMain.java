package dev.baton;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server in a JVM of its own, for {@link ShutdownHookTest}: {@code /slow} answers 3 s after
 * it starts, and says {@code STARTED} when it does. Argument: {@code hook} or {@code no-hook}.
 */
public final class SigtermMain {
    public static void main(String[] args) {
        boolean hook = args[0].equals("hook");
        Server server = Server.builder()
                .config(c -> c.host("127.0.0.1").port(0).shutdownHook(hook).shutdownGrace(Duration.ofSeconds(20)))
                .routing(r -> r.get("/slow", ctx -> {
                    System.out.println("STARTED");
                    return CompletableFuture.supplyAsync(() -> "finished", CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS));
                }))
                .build().start();
        System.out.println("LISTENING " + server.port());
    }
}
