package dev.baton.client;

import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import dev.baton.http.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InterceptorTest {
    final Servers servers = new Servers();
    final Map<String, String> seen = new ConcurrentHashMap<>();
    final AtomicInteger hits = new AtomicInteger();
    Server backend;

    @BeforeEach
    void start() {
        backend = servers.start(r -> {
            r.get("/headers", ctx -> {
                ctx.request().headers().forEach(e -> seen.put(e.getKey().toLowerCase(), e.getValue()));
                return "ok";
            });
            r.get("/trace", ctx -> ctx.traceParent().map(t -> t.toString()).orElse("none"));
            r.get("/twice-busy", ctx -> hits.incrementAndGet() < 3 ? Response.status(503).build() : Response.text("ok"));
        });
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    @Test
    void anInterceptorThatProceedsTwiceAtOnceFailsTheCallWithAClearMessage() {
        Interceptor greedy = new Interceptor() {
            @Override
            public java.util.concurrent.CompletionStage<ClientResponse> intercept(ClientRequest request, Chain chain) {
                chain.proceed(request);
                return chain.proceed(request);
            }

            @Override
            public String toString() {
                return "Greedy";
            }
        };
        HttpClient client = servers.client(b -> b.interceptor(greedy));
        assertThatThrownBy(() -> client.get(url(backend, "/headers")).send().get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("interceptor Greedy called proceed() again before the previous attempt completed");
    }

    @Test
    void aNetworkInterceptorThatProceedsTwiceFailsTheCall() {
        Interceptor again = (request, chain) -> chain.proceed(request).thenCompose(r -> chain.proceed(request));
        HttpClient client = servers.client(b -> b.networkInterceptor(again));
        assertThatThrownBy(() -> client.get(url(backend, "/headers")).send().get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must call proceed() exactly once");
    }

    @Test
    void applicationInterceptorsSeeTheCallOnceAndNetworkInterceptorsSeeEveryAttempt() throws Exception {
        AtomicInteger app = new AtomicInteger();
        AtomicInteger network = new AtomicInteger();
        HttpClient client = servers.client(b -> b
                .retry(RetryPolicy.builder().backoff(Duration.ofMillis(5), Duration.ofMillis(20)).build())
                .interceptor((request, chain) -> {
                    app.incrementAndGet();
                    return chain.proceed(request);
                })
                .networkInterceptor((request, chain) -> {
                    network.incrementAndGet();
                    return chain.proceed(request);
                }));
        assertThat(client.get(url(backend, "/twice-busy")).send(BodyReader.text()).get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(app.get()).isEqualTo(1);
        assertThat(network.get()).isEqualTo(3);
    }

    @Test
    void anInterceptorCanAnswerWithoutCallingTheServer() throws Exception {
        HttpClient client = servers.client(b -> b.interceptor((request, chain) -> java.util.concurrent.CompletableFuture
                .completedFuture(ClientResponse.of(200, request.headers(), "cached".getBytes(), null))));
        assertThat(client.get(url(backend, "/headers")).send(BodyReader.text()).get(5, TimeUnit.SECONDS)).isEqualTo("cached");
        assertThat(seen).isEmpty();
    }

    @Test
    void bearerAuthAndLoggingDecorateEveryCall() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        HttpClient client = servers.client(b -> b.interceptor(Interceptor.logging())
                .interceptor(Interceptor.bearerAuth(() -> "token-" + issued.incrementAndGet())));
        client.get(url(backend, "/headers")).send().get(5, TimeUnit.SECONDS);
        assertThat(seen.get("authorization")).isEqualTo("Bearer token-1");
        client.get(url(backend, "/headers")).send().get(5, TimeUnit.SECONDS);
        assertThat(seen.get("authorization")).isEqualTo("Bearer token-2");
        assertThat(seen.get("user-agent")).isEqualTo("baton-client");
    }

    @Test
    void traceparentKeepsTheInboundTraceWithANewSpanForEachHop() throws Exception {
        HttpClient client = servers.client(b -> b.interceptor(Interceptor.traceContext()));
        Server front = servers.start(r -> r.get("/front", ctx -> client.get(url(backend, "/headers")).in(ctx).send(BodyReader.text())));
        String inbound = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var jdk = java.net.http.HttpClient.newHttpClient();
        HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(URI.create(url(front, "/front")))
                .header("traceparent", inbound).header("tracestate", "vendor=x").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.body()).isEqualTo("ok");
        String outbound = seen.get("traceparent");
        assertThat(outbound).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01");
        assertThat(outbound).isNotEqualTo(inbound);
        assertThat(seen.get("tracestate")).isEqualTo("vendor=x");

        client.get(url(backend, "/headers")).send().get(5, TimeUnit.SECONDS);
        String fresh = seen.get("traceparent");
        assertThat(fresh).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(List.of(fresh.split("-")).get(1)).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void aServerCalledInARequestWithATraceparentSeesTheSameTraceIdUnderANewParent() throws Exception {
        HttpClient client = servers.client(b -> b.interceptor(Interceptor.traceContext()));
        // the front reads the inbound traceparent as the server parsed it, and calls the second server in its context
        Server front = servers.start(r -> r.get("/front", ctx -> client.get(url(backend, "/trace")).in(ctx).send(BodyReader.text())
                .thenApply(seenDownstream -> ctx.traceParent().orElseThrow() + " " + seenDownstream)));
        String inbound = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var jdk = java.net.http.HttpClient.newHttpClient();
        HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(URI.create(url(front, "/front")))
                .header("traceparent", inbound).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        String[] frontAndBackend = r.body().split(" ");
        assertThat(frontAndBackend[0]).isEqualTo(inbound);
        assertThat(frontAndBackend[1]).matches("00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01")
                .isNotEqualTo(inbound);
    }

    @Test
    void aMalformedInboundTraceparentStartsANewTraceWithoutItsTracestate() throws Exception {
        HttpClient client = servers.client(b -> b.interceptor(Interceptor.traceContext()));
        Server front = servers.start(r -> r.get("/front", ctx -> client.get(url(backend, "/headers")).in(ctx).send(BodyReader.text())));
        String malformed = "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"; // upper case: not W3C
        var jdk = java.net.http.HttpClient.newHttpClient();
        HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(URI.create(url(front, "/front")))
                .header("traceparent", malformed).header("tracestate", "vendor=x").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(seen.get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
                .doesNotContain("0af7651916cd43dd8448eb211c80319c");
        assertThat(seen).doesNotContainKey("tracestate");
    }
}
