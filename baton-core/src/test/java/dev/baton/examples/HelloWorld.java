package dev.baton.examples;

import dev.baton.Server;

/**
 * The smallest Baton server: functional handlers, one sync and one async.
 *
 * <pre>{@code java dev.baton.examples.HelloWorld 8080; curl localhost:8080/hello/Ada}</pre>
 */
public final class HelloWorld {
    private HelloWorld() {
    }

    public static Server start(int port) {
        return Server.builder()
                .config(c -> c.port(port))
                .routing(r -> {
                    r.get("/", ctx -> "Hello, World!");
                    r.get("/hello/{name}", ctx -> "Hello, " + ctx.request().path("name").asString() + "!");
                    r.get("/later", ctx -> java.util.concurrent.CompletableFuture.supplyAsync(() -> "Hello, later!"));
                })
                .build()
                .start();
    }

    public static void main(String[] args) {
        Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("HelloWorld listening on http://localhost:" + server.port() + "/");
    }
}
