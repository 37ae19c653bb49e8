package dev.baton.testing.examples;

import dev.baton.Server;
import java.util.concurrent.CompletableFuture;

/** The application of the README's "Testing your application": its server, before a port is chosen. */
public final class GreetingApp {
    private GreetingApp() {
    }

    /** The whole application, for main (port 8080) and for tests (port 0). */
    public static Server.Builder server() {
        return Server.builder().routing(r -> {
            r.get("/hello", ctx -> "Hello, " + ctx.request().query("name").asString("World") + "!");
            r.get("/later", ctx -> CompletableFuture.supplyAsync(() -> "done"));
        });
    }

    public static void main(String[] args) {
        server().port(8080).build().start();
    }
}
