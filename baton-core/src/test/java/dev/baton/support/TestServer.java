package dev.baton.support;

import dev.baton.Server;
import dev.baton.ServerConfig;
import dev.baton.routing.Routing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A real server on port 0 with a JDK client pointed at it. */
public final class TestServer implements AutoCloseable {
    public final Server server;
    public final HttpClient client;

    private TestServer(Server server) {
        this.server = server;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static TestServer start(Consumer<ServerConfig.Builder> config, Consumer<Routing> routes) {
        return new TestServer(Server.builder()
                .config(c -> {
                    c.port(0).host("127.0.0.1");
                    config.accept(c);
                })
                .routing(routes)
                .build()
                .start());
    }

    /** A client for a server already started (one with controllers or features). */
    public static TestServer of(Server started) {
        return new TestServer(started);
    }

    public static TestServer start(Consumer<Routing> routes) {
        return start(c -> { }, routes);
    }

    public int port() {
        return server.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return client.sendAsync(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(2));
        client.close();
    }
}
