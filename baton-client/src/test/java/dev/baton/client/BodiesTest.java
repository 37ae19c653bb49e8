package dev.baton.client;

import static dev.baton.client.BodyReader.as;
import static dev.baton.client.Servers.later;
import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.baton.Server;
import dev.baton.http.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BodiesTest {
    record Gizmo(String name, int weight, Instant made) {
    }

    static final int MEGABYTE = 1024 * 1024;
    final Servers servers = new Servers();
    Server backend;
    HttpClient client;

    @BeforeEach
    void start() {
        backend = servers.start(r -> {
            r.post("/gizmos", ctx -> {
                Gizmo g = ctx.request().bodyAs(Gizmo.class);
                return Response.status(201).json(new Gizmo(g.name().toUpperCase(), g.weight() + 1, g.made()));
            });
            r.get("/gizmos", ctx -> List.of(new Gizmo("a", 1, Instant.EPOCH), new Gizmo("b", 2, Instant.EPOCH)));
            r.post("/echo", ctx -> Response.ok()
                    .header("X-Transfer-Encoding", ctx.request().headers().first("Transfer-Encoding").orElse("none"))
                    .text(ctx.request().bodyText()));
            r.get("/chunks", ctx -> Response.ok().stream("text/plain", sink -> {
                sink.write("alpha,");
                sink.write("beta,").thenRun(() -> sink.write("gamma")).thenRun(sink::close);
            }));
            r.get("/megabyte", ctx -> Response.ok().stream("application/octet-stream", sink -> {
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < MEGABYTE / block.length; i++) {
                    Arrays.fill(block, (byte) i);
                    sink.write(block.clone()).toCompletableFuture().join(); // blocking on purpose: a worker thread
                }
                sink.close();
            }));
            r.get("/missing", ctx -> {
                throw dev.baton.http.HttpException.notFound("no such gizmo");
            });
        });
        client = servers.client(b -> b.maxResponseBytes(MEGABYTE / 2));
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    @Test
    void aJsonBodyMakesTheRoundTrip() throws Exception {
        Instant made = Instant.parse("2026-01-02T03:04:05Z");
        Gizmo g = client.post(url(backend, "/gizmos")).json(new Gizmo("sprocket", 41, made)).send(as(Gizmo.class))
                .get(5, TimeUnit.SECONDS);
        assertThat(g).isEqualTo(new Gizmo("SPROCKET", 42, made));

        List<Gizmo> list = client.get(url(backend, "/gizmos")).send(as(new TypeReference<List<Gizmo>>() { }))
                .get(5, TimeUnit.SECONDS);
        assertThat(list).extracting(Gizmo::name).containsExactly("a", "b");
    }

    @Test
    void aStreamedRequestBodyIsSentChunked() throws Exception {
        // the JDK's server, because Baton's aggregates the body and drops Transfer-Encoding before a handler sees it
        com.sun.net.httpserver.HttpServer raw = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        raw.createContext("/echo", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("X-Transfer-Encoding", ex.getRequestHeaders().getFirst("Transfer-Encoding"));
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        raw.start();
        try {
            ClientResponse r = client.post("http://127.0.0.1:" + raw.getAddress().getPort() + "/echo")
                    .body(RequestBody.stream("text/plain", sink -> {
                        sink.write("one,");
                        later(30, "").thenRun(() -> sink.write("two,")).thenRun(() -> sink.write("three")).thenRun(sink::close);
                    })).send().get(5, TimeUnit.SECONDS);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("one,two,three");
            assertThat(r.header("X-Transfer-Encoding")).contains("chunked");
        } finally {
            raw.stop(0);
        }
        ClientResponse viaBaton = client.post(url(backend, "/echo"))
                .body(RequestBody.stream("text/plain", sink -> sink.write("to baton").thenRun(sink::close)))
                .send().get(5, TimeUnit.SECONDS);
        assertThat(viaBaton.text()).isEqualTo("to baton");
    }

    @Test
    void aChunkedResponseIsBuffered() throws Exception {
        ClientResponse r = client.get(url(backend, "/chunks")).send().get(5, TimeUnit.SECONDS);
        assertThat(r.header("Transfer-Encoding")).contains("chunked");
        assertThat(r.text()).isEqualTo("alpha,beta,gamma");
    }

    @Test
    void aLargeResponseIsReadAsAStreamAndItsConnectionIsReused() throws Exception {
        InputStream in = client.get(url(backend, "/megabyte")).send(BodyReader.stream()).get(5, TimeUnit.SECONDS);
        byte[] all;
        try (in) {
            all = in.readAllBytes();
        }
        assertThat(all).hasSize(MEGABYTE);
        assertThat(all[0]).isEqualTo((byte) 0);
        assertThat(all[MEGABYTE - 1]).isEqualTo((byte) 15);

        assertThat(client.get(url(backend, "/chunks")).send(BodyReader.text()).get(5, TimeUnit.SECONDS)).startsWith("alpha");
        assertThat(client.stats().connectionsOpened()).isEqualTo(1);
    }

    @Test
    void aBufferedResponseLargerThanTheLimitFailsWithAHint() {
        CompletableFuture<byte[]> f = client.get(url(backend, "/megabyte")).send(BodyReader.bytes());
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(HttpClientException.class)
                .hasMessageContaining("larger than maxResponseBytes").hasMessageContaining("BodyReader.stream()");
    }

    @Test
    void aNonSuccessStatusFailsAReaderWithTheProblemInTheMessage() throws Exception {
        CompletableFuture<Gizmo> f = client.get(url(backend, "/missing")).send(as(Gizmo.class));
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(HttpStatusException.class)
                .hasMessageContaining("answered 404").hasMessageContaining("no such gizmo")
                .satisfies(e -> assertThat(((HttpStatusException) e).response().header("Content-Type"))
                        .contains("application/problem+json"));
        ClientResponse raw = client.get(url(backend, "/missing")).send().get(5, TimeUnit.SECONDS);
        assertThat(raw.status()).isEqualTo(404);
        assertThat(new String(raw.bytes(), StandardCharsets.UTF_8)).contains("no such gizmo");
    }

    @Test
    void aUriTheClientCannotCallIsRejectedWhereTheCallIsMade() {
        assertThatThrownBy(() -> client.get("ftp://example.com/file")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an http(s) URI");
    }
}
