package dev.baton.client;

import dev.baton.Server;
import dev.baton.ServerConfig;
import dev.baton.routing.Routing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Real Baton servers on port 0 for the client's tests, stopped together. */
final class Servers implements AutoCloseable {
    private final List<Server> servers = new ArrayList<>();
    private final List<HttpClient> clients = new ArrayList<>();

    Server start(Consumer<Routing> routes) {
        return start(c -> { }, routes);
    }

    Server start(Consumer<ServerConfig.Builder> config, Consumer<Routing> routes) {
        Server s = build(config, routes).start();
        return s;
    }

    /** Built, not started: for a client that must share the server's event loops before its routes run. */
    Server build(Consumer<ServerConfig.Builder> config, Consumer<Routing> routes) {
        Server s = Server.builder().config(c -> {
            c.port(0).host("127.0.0.1").workerThreads(4).eventLoopThreads(2).shutdownGrace(Duration.ofMillis(200));
            config.accept(c);
        }).routing(routes).build();
        servers.add(s);
        return s;
    }

    HttpClient client(Consumer<HttpClient.Builder> config) {
        HttpClient.Builder b = HttpClient.builder().eventLoopThreads(1);
        config.accept(b);
        HttpClient c = b.build();
        clients.add(c);
        return c;
    }

    static String url(Server s, String path) {
        return "http://127.0.0.1:" + s.port() + path;
    }

    /** A value after {@code millis}, without holding a thread. */
    static <T> CompletableFuture<T> later(long millis, T value) {
        return CompletableFuture.supplyAsync(() -> value, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
    }

    @Override
    public void close() {
        clients.forEach(HttpClient::close);
        servers.forEach(s -> {
            try {
                s.stop(Duration.ofMillis(200));
            } catch (RuntimeException e) {
                // never started
            }
        });
    }
}
