package dev.baton.client;

import static dev.baton.client.Servers.later;
import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionPoolTest {
    final Servers servers = new Servers();
    final Set<Integer> remotePorts = ConcurrentHashMap.newKeySet();
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger peakActive = new AtomicInteger();
    final CompletableFuture<String> gate = new CompletableFuture<>();
    final CountDownLatch arrived = new CountDownLatch(1);
    Server backend;

    @BeforeEach
    void startBackend() {
        backend = servers.start(r -> {
            r.get("/work", ctx -> {
                remotePorts.add(ctx.request().remoteAddress().getPort());
                peakActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                return later(20, "ok").whenComplete((v, e) -> active.decrementAndGet());
            }).execution(ExecutionModel.EVENT_LOOP);
            r.get("/hold", ctx -> {
                arrived.countDown();
                return gate;
            }).execution(ExecutionModel.EVENT_LOOP);
        });
    }

    /** Sends a call that holds the client's only connection until {@link #gate} completes. */
    private CompletableFuture<String> holdTheOnlyConnection(HttpClient client) throws InterruptedException {
        CompletableFuture<String> first = client.get(url(backend, "/hold")).send(BodyReader.text());
        assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
        return first;
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    @Test
    void twoHundredCallsInFlightNeverUseMoreConnectionsThanTheLimit() throws Exception {
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(4).maxQueuedPerHost(500));
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(client.get(url(backend, "/work")).send(BodyReader.text()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(calls).allSatisfy(c -> assertThat(c.join()).isEqualTo("ok"));
        assertThat(remotePorts).hasSizeBetween(1, 4);
        assertThat(peakActive.get()).isBetween(1, 4);
        ClientStats.HostStats host = client.stats().hosts().get("127.0.0.1:" + backend.port());
        assertThat(host.peakOpen()).isEqualTo(4);
        assertThat(host.limit()).isEqualTo(4);
        assertThat(client.stats().connectionsOpened()).isEqualTo(remotePorts.size());
    }

    @Test
    void aPerHostLimitOverridesTheGlobalOne() throws Exception {
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(50).perHost("127.0.0.1:" + backend.port(), 2));
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(client.get(url(backend, "/work")).send(BodyReader.text()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(remotePorts).hasSizeBetween(1, 2);
        assertThat(peakActive.get()).isBetween(1, 2);
    }

    /**
     * A raw backend: answers its very first request with {@code firstAnswer}, every later one
     * with a plain 200 "ok"; counts the connections it accepted.
     */
    private static java.net.ServerSocket rawBackend(String firstAnswer, AtomicInteger accepted) throws java.io.IOException {
        java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    java.net.Socket socket = listener.accept();
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            socket.setSoTimeout(10_000);
                            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                                    java.nio.charset.StandardCharsets.ISO_8859_1));
                            var out = socket.getOutputStream();
                            for (String line; (line = in.readLine()) != null; ) {
                                if (line.isEmpty()) { // end of a request head (the test sends no bodies)
                                    String answer = first.getAndSet(false) ? firstAnswer
                                            : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                                    out.write(answer.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                                    out.flush();
                                }
                            }
                        } catch (java.io.IOException closed) {
                            // the client closed the connection
                        }
                    });
                } catch (java.io.IOException closed) {
                    return; // the listener closed
                }
            }
        }, "raw-backend");
        acceptor.setDaemon(true);
        acceptor.start();
        return listener;
    }

    @Test
    void bytesAfterACompleteResponseAreNeverTheNextCallsResponse() throws Exception {
        // RFC 9112 6.3: a 204 has no content, so what follows it is no response to the next request;
        // read as one, the next call would get this server's injected header
        AtomicInteger accepted = new AtomicInteger();
        String smuggling = "HTTP/1.1 204 No Content\r\nContent-Length: 40\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nSet-Cookie: evil=1\r\nX-Pad: ";
        try (java.net.ServerSocket raw = rawBackend(smuggling, accepted)) {
            HttpClient client = servers.client(b -> b.maxConnectionsPerHost(1).retry(RetryPolicy.none()));
            String base = "http://127.0.0.1:" + raw.getLocalPort();
            assertThat(client.get(base + "/first").send().get(5, TimeUnit.SECONDS).status()).isEqualTo(204);
            ClientResponse next = client.get(base + "/next").send().get(5, TimeUnit.SECONDS);
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.text()).isEqualTo("ok");
            assertThat(next.header("Set-Cookie")).isEmpty();
            assertThat(accepted.get()).as("the first connection was closed, not reused").isEqualTo(2);
            assertThat(client.stats().connectionsReused()).isZero();
        }
    }

    @Test
    void aBadHeaderOrMethodFailsOnTheCallersLineAndHoldsNoConnection() throws Exception {
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(1));
        assertThatThrownBy(() -> client.get(url(backend, "/work")).header("X-A", "a\r\nX-Evil: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-A");
        assertThatThrownBy(() -> client.get(url(backend, "/work")).header("Bad Name", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a token");
        assertThatThrownBy(() -> client.request("BAD METHOD", java.net.URI.create(url(backend, "/work"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("method");
        // the pool's one place is free: a good call goes through at once; whitespace around a value is no part of it
        assertThat(client.get(url(backend, "/work")).header("X-A", "  padded ").send(BodyReader.text())
                .get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        // host names are case-insensitive in limits as in pool keys
        try (HttpClient mixed = HttpClient.builder().perHost("Inventory.Example:8080", 3).build()) {
            assertThat(mixed.config().limitFor("inventory.example:8080")).isEqualTo(3);
            assertThat(mixed.config().limitFor("INVENTORY.EXAMPLE:8080")).isEqualTo(3);
        }
    }

    @Test
    void sequentialCallsReuseOneKeptAliveConnection() throws Exception {
        HttpClient client = servers.client(b -> { });
        for (int i = 0; i < 10; i++) {
            assertThat(client.get(url(backend, "/work")).send(BodyReader.text()).get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        assertThat(remotePorts).hasSize(1);
        assertThat(client.stats().connectionsOpened()).isEqualTo(1);
        assertThat(client.stats().connectionsReused()).isEqualTo(9);
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        HttpClient client = servers.client(b -> b.idleTimeout(Duration.ofMillis(200)));
        client.get(url(backend, "/work")).send(BodyReader.text()).get(5, TimeUnit.SECONDS);
        String host = "127.0.0.1:" + backend.port();
        assertThat(client.stats().hosts().get(host).open()).isEqualTo(1);

        Await.until("the client's connection closed", Duration.ofSeconds(5), () -> client.stats().hosts().get(host).open() == 0);
        Await.until("the backend saw it close", Duration.ofSeconds(5), () -> backend.stats().openConnections() == 0);
        client.get(url(backend, "/work")).send(BodyReader.text()).get(5, TimeUnit.SECONDS);
        assertThat(remotePorts).hasSize(2);
        assertThat(client.stats().connectionsOpened()).isEqualTo(2);
    }

    @Test
    void aFullWaitQueueFailsTheNextCallAtOnce() throws Exception {
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(1).maxQueuedPerHost(1));
        CompletableFuture<String> first = holdTheOnlyConnection(client);
        CompletableFuture<String> queued = client.get(url(backend, "/hold")).send(BodyReader.text());
        CompletableFuture<String> rejected = client.get(url(backend, "/hold")).send(BodyReader.text());

        assertThatThrownBy(() -> rejected.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(PoolExhaustedException.class)
                .hasMessageContaining("1 requests are already waiting")
                .satisfies(e -> assertThat(((PoolExhaustedException) e).reason()).isEqualTo(PoolExhaustedException.Reason.QUEUE_FULL));
        assertThat(queued).isNotDone();
        gate.complete("released");
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        assertThat(client.stats().attempts()).isEqualTo(3);
        assertThat(client.stats().failures()).isEqualTo(1);
    }

    @Test
    void closingTheClientFailsTheCallsWaitingForAConnectionAndRefusesNewOnes() throws Exception {
        HttpClient client = HttpClient.builder().eventLoopThreads(1).maxConnectionsPerHost(1).build();
        CompletableFuture<String> first = holdTheOnlyConnection(client);
        CompletableFuture<String> waiting = client.get(url(backend, "/hold")).send(BodyReader.text());

        client.close();
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(HttpClientException.class)
                .hasMessageContaining("the client was closed");
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(HttpClientException.class)
                .hasMessageContaining("the client was closed");
        assertThatThrownBy(() -> client.get(url(backend, "/work")).send().get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(HttpClientException.class).hasMessage("the client is closed");
    }

    @Test
    void hostStatsShowBusyAndIdleConnectionsAndEachHostsAttemptsAndRetries() throws Exception {
        RetryPolicy quick = RetryPolicy.builder().backoff(Duration.ofMillis(5), Duration.ofMillis(5)).build();
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(2).retry(quick));
        String host = "127.0.0.1:" + backend.port();
        CompletableFuture<String> held = holdTheOnlyConnection(client);
        ClientStats.HostStats during = client.stats().hosts().get(host);
        assertThat(during.open()).isEqualTo(1);
        assertThat(during.busy()).isEqualTo(1);
        assertThat(during.idle()).isZero();
        assertThat(during.connecting()).isZero();

        gate.complete("released");
        assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        Await.until("the connection back in the pool", Duration.ofSeconds(5), () -> client.stats().hosts().get(host).idle() == 1);
        assertThat(client.stats().hosts().get(host).busy()).isZero();

        try (RawBackend flaky = RawBackend.firstAnswer("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")) {
            assertThat(client.get(flaky.url("/retried")).send(BodyReader.text()).get(5, TimeUnit.SECONDS)).isEqualTo("ok");
            ClientStats.HostStats retried = client.stats().hosts().get(flaky.host());
            assertThat(retried.attempts()).isEqualTo(2);
            assertThat(retried.retries()).isEqualTo(1);
        }
        ClientStats.HostStats steady = client.stats().hosts().get(host);
        assertThat(steady.attempts()).isEqualTo(1);
        assertThat(steady.retries()).isZero();
        assertThat(steady.waits().count()).as("no call waited for a connection").isZero();
    }

    @Test
    void timeSpentWaitingForABusyHostsConnectionIsCountedPerHost() throws Exception {
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(1));
        String host = "127.0.0.1:" + backend.port();
        CompletableFuture<String> first = holdTheOnlyConnection(client);
        CompletableFuture<String> waiting = client.get(url(backend, "/work")).send(BodyReader.text());
        CompletableFuture<String> givesUp = client.get(url(backend, "/work")).timeout(Duration.ofMillis(100)).send(BodyReader.text());
        Await.until("two calls queued", Duration.ofSeconds(5), () -> client.stats().hosts().get(host).queued() == 2);

        assertThatThrownBy(() -> givesUp.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(PoolExhaustedException.class);
        later(150, "released").thenAccept(gate::complete); // the connection comes free 150 ms later
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo("ok");

        ClientStats.ConnectionWaits waits = client.stats().hosts().get(host).waits();
        assertThat(waits.count()).as("the two queued calls, whatever ended their wait").isEqualTo(2);
        assertThat(waits.max()).isGreaterThanOrEqualTo(Duration.ofMillis(140));
        assertThat(waits.p99()).isBetween(Duration.ofMillis(70), waits.max());
        assertThat(waits.total()).isGreaterThanOrEqualTo(waits.max().plus(Duration.ofMillis(90)));
    }

    @Test
    void aCallWaitingForABusyHostFailsWhenItsTimeoutPasses() throws Exception {
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(1));
        CompletableFuture<String> first = holdTheOnlyConnection(client);

        long start = System.nanoTime();
        CompletableFuture<String> waiting = client.get(url(backend, "/hold")).timeout(Duration.ofMillis(200)).send(BodyReader.text());
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(PoolExhaustedException.class)
                .satisfies(e -> assertThat(((PoolExhaustedException) e).reason()).isEqualTo(PoolExhaustedException.Reason.WAIT_TIMED_OUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(3));
        gate.complete("released");
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("released");
        assertThat(client.stats().hosts().get("127.0.0.1:" + backend.port()).queued()).isZero();
    }
}
