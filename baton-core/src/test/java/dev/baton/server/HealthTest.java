package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import dev.baton.ServerConfig;
import dev.baton.ShutdownReport;
import dev.baton.testing.await.Await;
import dev.baton.support.LogCapture;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthTest {
    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";

    static Server.Builder probed(java.util.function.Consumer<ServerConfig.Builder> config) {
        return Server.builder().config(c -> {
            c.port(0).host("127.0.0.1").livenessPath(LIVE).readinessPath(READY);
            config.accept(c);
        });
    }

    static HttpResponse<String> get(Server s, String path) throws Exception {
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + s.port() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void theProbesAreOffByDefault() throws Exception {
        try (TestServer s = TestServer.start(r -> r.get("/x", ctx -> "x"))) {
            assertThat(s.get(LIVE).statusCode()).isEqualTo(404);
            assertThat(s.get(READY).statusCode()).isEqualTo(404);
            assertThat(s.server.config().livenessPath()).isEmpty();
        }
    }

    @Test
    void livenessAndReadinessAnswer200AndOnlyGetAndHead() throws Exception {
        Server s = probed(c -> { }).routing(r -> r.get("/x", ctx -> "x")).build().start();
        try {
            HttpResponse<String> live = get(s, LIVE);
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(get(s, READY + "/?probe=1").body()).isEqualTo("{\"status\":\"UP\"}"); // as routes: trailing slash, query
            try (RawHttp raw = new RawHttp(s.port())) {
                RawHttp.Result head = raw.send("HEAD " + READY + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed();
                assertThat(head.text()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n");
            }
            try (RawHttp raw = new RawHttp(s.port())) {
                String post = raw.send("POST " + LIVE + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").readResponse();
                assertThat(post).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: GET, HEAD");
            }
        } finally {
            s.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void theProbesAnswerUnderOverloadAndCountInNoStatsMiddlewareOrAccessLog() throws Exception {
        CompletableFuture<String> release = new CompletableFuture<>();
        AtomicInteger middlewareSaw = new AtomicInteger();
        Server s = probed(c -> c.workerThreads(1).requestQueueCapacity(0).maxInFlight(1).accessLog(true))
                .routing(r -> {
                    r.use((ctx, next) -> {
                        middlewareSaw.incrementAndGet();
                        return next.proceed();
                    });
                    r.get("/block", ctx -> release.join());
                }).build().start();
        try (LogCapture log = LogCapture.start(); var client = java.net.http.HttpClient.newHttpClient()) {
            var blocked = client.sendAsync(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + s.port() + "/block")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Await.until("the one worker and the one in-flight slot taken", Duration.ofSeconds(5),
                    () -> s.stats().workersBusy() == 1 && s.stats().inFlight() == 1);
            assertThat(get(s, "/block").statusCode()).isEqualTo(503); // overloaded
            assertThat(get(s, LIVE).statusCode()).isEqualTo(200);
            assertThat(get(s, READY).statusCode()).isEqualTo(200);
            release.complete("released");
            assertThat(blocked.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

            assertThat(s.stats().routes()).containsOnlyKeys("GET /block");
            assertThat(s.stats().completed()).isEqualTo(1);
            assertThat(middlewareSaw.get()).isEqualTo(1); // the admitted /block, no probe
            Await.until("both /block requests logged", Duration.ofSeconds(5), () -> log.messages("dev.baton.access", "/block").size() == 2);
            assertThat(log.messages("dev.baton.access", "/health")).isEmpty();
        } finally {
            s.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aFailingReadinessCheckMakesReadiness503NamingItAndLivenessStays200() throws Exception {
        AtomicBoolean dbUp = new AtomicBoolean(true);
        AtomicBoolean cacheThrows = new AtomicBoolean(false);
        Server s = probed(c -> { })
                .readinessCheck("db", dbUp::get)
                .readinessCheck("cache", () -> {
                    if (cacheThrows.get()) {
                        throw new IllegalStateException("cache unreachable");
                    }
                    return true;
                })
                .routing(r -> r.get("/x", ctx -> "x")).build().start();
        try (LogCapture log = LogCapture.start()) {
            HttpResponse<String> ready = get(s, READY);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"db\":\"UP\"", "\"cache\":\"UP\"");
            assertThat(log.of("dev.baton.internal.netty.Health")).isEmpty(); // passing checks are not logged

            dbUp.set(false);
            HttpResponse<String> down = get(s, READY);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(down.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(down.body()).contains("\"detail\":\"not ready: db fails\"", "\"db\":\"DOWN\"", "\"cache\":\"UP\"");
            assertThat(get(s, LIVE).statusCode()).isEqualTo(200);
            assertThat(get(s, "/x").statusCode()).isEqualTo(200); // readiness is for the load balancer: the server still serves
            get(s, READY);
            assertThat(log.messages("dev.baton.internal.netty.Health", "'db' fails")).hasSize(1); // once, not per probe

            cacheThrows.set(true);
            assertThat(get(s, READY).body()).contains("not ready: db, cache fail").doesNotContain("unreachable");
            dbUp.set(true);
            cacheThrows.set(false);
            assertThat(get(s, READY).statusCode()).isEqualTo(200);
            assertThat(log.messages("dev.baton.internal.netty.Health", "passes again")).hasSize(2);
        } finally {
            s.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void readinessIs503AsSoonAsAGracefulStopBeginsWhileLivenessStays200() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        Server s = probed(c -> { }).routing(r -> r.get("/slow", ctx -> slow)).build().start();
        try (RawHttp inFlight = new RawHttp(s.port()); RawHttp readiness = new RawHttp(s.port()); RawHttp liveness = new RawHttp(s.port())) {
            // connections a load balancer holds open: each has answered once already
            assertThat(readiness.send("GET " + READY + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).startsWith("HTTP/1.1 200");
            assertThat(liveness.send("GET " + LIVE + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).startsWith("HTTP/1.1 200");
            inFlight.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            Await.until("slow admitted", Duration.ofSeconds(5), () -> s.stats().inFlight() == 1);
            CompletableFuture<ShutdownReport> stopping = CompletableFuture.supplyAsync(() -> s.stop(Duration.ofSeconds(5)));
            Await.until("draining", Duration.ofSeconds(5), () -> {
                try (java.net.Socket probe = new java.net.Socket("127.0.0.1", s.port())) {
                    return false;
                } catch (java.io.IOException refused) {
                    return true;
                }
            });

            String notReady = readiness.send("GET " + READY + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            assertThat(notReady).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 1")
                    .containsIgnoringCase("content-type: application/problem+json").contains("the server is shutting down");
            assertThat(liveness.send("GET " + LIVE + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).startsWith("HTTP/1.1 200");

            slow.complete("made it");
            assertThat(inFlight.readResponse()).startsWith("HTTP/1.1 200").endsWith("made it");
            assertThat(stopping.get(10, TimeUnit.SECONDS).completed()).isEqualTo(1);
        }
    }

    @Test
    void duringTheShutdownDelayReadinessIs503AndEverythingElseIsStillServed() throws Exception {
        Server s = probed(c -> c.shutdownDelay(Duration.ofSeconds(2))).routing(r -> r.get("/work", ctx -> "worked")).build().start();
        assertThat(get(s, READY).statusCode()).isEqualTo(200);
        long begun = System.nanoTime();
        CompletableFuture<ShutdownReport> stopping = CompletableFuture.supplyAsync(() -> s.stop(Duration.ofSeconds(1)));
        Await.until("readiness down", Duration.ofSeconds(2), () -> {
            try {
                return get(s, READY).statusCode() == 503;
            } catch (Exception e) {
                throw new AssertionError("the server stopped accepting during its delay", e);
            }
        });
        // still accepting new connections and serving them in the delay
        HttpResponse<String> work = get(s, "/work");
        assertThat(work.statusCode()).isEqualTo(200);
        assertThat(work.headers().firstValue("Connection")).isEmpty();
        assertThat(get(s, LIVE).statusCode()).isEqualTo(200);
        assertThat(System.nanoTime() - begun).as("all of that within the delay").isLessThan(TimeUnit.SECONDS.toNanos(2));
        stopping.get(10, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - begun).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void misconfiguredProbesAreRefusedAtBuild() {
        assertThatThrownBy(() -> probed(c -> { }).routing(r -> r.get(READY, ctx -> "mine")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GET /health/ready");
        assertThatThrownBy(() -> Server.builder().readinessCheck("db", () -> true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readinessPath is not set");
        assertThatThrownBy(() -> ServerConfig.builder().readinessPath("health/ready").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerConfig.builder().livenessPath("/health/../x").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerConfig.builder().livenessPath("/h").readinessPath("/h").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Server.builder().readinessCheck("db", () -> true).readinessCheck("db", () -> true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
