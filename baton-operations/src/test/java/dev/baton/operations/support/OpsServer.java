package dev.baton.operations.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Server;
import dev.baton.operations.Operations;
import dev.baton.routing.Routing;
import dev.baton.testing.await.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A real server on port 0 with the operations feature, and a JDK client to talk to it. */
public final class OpsServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public final Server server;
    public final Operations operations;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OpsServer(Server server, Operations operations) {
        this.server = server;
        this.operations = operations;
    }

    public static OpsServer start(Operations operations) {
        return start(operations, r -> { });
    }

    public static OpsServer start(Operations operations, Consumer<Routing> routes) {
        return start(operations, routes, b -> { });
    }

    public static OpsServer start(Operations operations, Consumer<Routing> routes, Consumer<Server.Builder> more) {
        Server.Builder b = Server.builder().config(c -> c.port(0).host("127.0.0.1")).feature(operations).routing(routes);
        more.accept(b);
        return new OpsServer(b.build().start(), operations);
    }

    public int port() {
        return server.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(70));
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public CompletableFuture<Reply> sendAsync(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(Reply::new);
    }

    public Reply get(String path, String... headers) {
        return send(with(request(path), headers).GET().build());
    }

    public Reply post(String path, String json, String... headers) {
        HttpRequest.Builder b = with(request(path), headers).header("Content-Type", "application/json");
        return send(b.POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Reply delete(String path, String... headers) {
        return send(with(request(path), headers).DELETE().build());
    }

    public static HttpRequest.Builder with(HttpRequest.Builder b, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    /** Polls an operation until it is terminal (or fails the test after {@code within}). */
    public JsonNode awaitTerminal(String id, Duration within, String... headers) {
        return Await.until("operation " + id + " terminal", within, () -> get("/operations/" + id, headers),
                r -> r.status() == 200 && isTerminal(r.json().path("status").asText())).json();
    }

    /** Polls until the operation reports at least {@code percent}. */
    public void awaitPercent(String id, int percent) {
        Await.until(id + " at " + percent + " %", Duration.ofSeconds(10),
                () -> get("/operations/" + id).json().path("percentComplete").asInt() >= percent);
    }

    /** Polls until the operation has {@code status}. */
    public void awaitStatus(String id, String status, String... headers) {
        Await.until(id + " " + status, Duration.ofSeconds(10),
                () -> get("/operations/" + id, headers).json().path("status").asText().equals(status));
    }

    public static boolean isTerminal(String status) {
        return status.equals("succeeded") || status.equals("failed") || status.equals("canceled");
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(2));
        client.close();
    }

    /** A response with its body parsed on demand. */
    public record Reply(HttpResponse<String> raw) {
        public int status() {
            return raw.statusCode();
        }

        public String body() {
            return raw.body();
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + raw.body(), e);
            }
        }

        @Override
        public String toString() {
            return raw.statusCode() + " " + raw.headers().map() + " " + raw.body();
        }
    }
}
