package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import dev.baton.support.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SmokeTest {
    Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void servesSyncAndAsyncRoutes() throws Exception {
        server = Server.builder().config(c -> c.port(0).host("127.0.0.1")).routing(r -> {
            r.get("/hello", ctx -> "Hello, World!");
            r.get("/async", ctx -> CompletableFuture.supplyAsync(() -> "later"));
            r.get("/json", ctx -> java.util.Map.of("message", "hi"));
        }).build().start();
        HttpClient client = HttpClient.newHttpClient();
        var res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("Hello, World!");
        res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/async")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.body()).isEqualTo("later");
        res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.body()).isEqualTo("{\"message\":\"hi\"}");
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /json HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse()).contains("Hello, World!");
            assertThat(raw.readResponse()).contains("message");
        }
        try (RawHttp raw = new RawHttp(server.port())) {
            var r = raw.send("GET /hello HTTP/1.1\r\nHost: x\r\nFoo: a\r\n b\r\n\r\n").readUntilClosed();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.closed()).isTrue();
            System.out.println(r.text());
        }
    }
}
