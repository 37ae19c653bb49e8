package dev.baton.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testing.await.Await;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client over HTTP/2 (h2c by prior knowledge) against a real h2 server on a real socket
 * ({@link H2Backend}, Netty's server codec): streams share one connection, the per-host limit
 * counts streams, and aborts, resets, GOAWAY, flow control and malformed responses behave as
 * RFC 9113 says.
 */
class Http2ClientTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    final List<AutoCloseable> closing = new ArrayList<>();
    H2Backend backend;
    HttpClient client;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private void start(int serverMaxStreams, Consumer<HttpClient.Builder> config) throws InterruptedException {
        backend = H2Backend.start(serverMaxStreams);
        closing.add(backend);
        HttpClient.Builder b = HttpClient.builder().eventLoopThreads(1).h2PriorKnowledge(true)
                .retry(RetryPolicy.builder().backoff(Duration.ofMillis(5), Duration.ofMillis(5)).build());
        config.accept(b);
        client = b.build();
        closing.add(client);
    }

    private String host() {
        return "127.0.0.1:" + backend.port();
    }

    private ClientStats.HostStats hostStats() {
        return client.stats().hosts().get(host());
    }

    private List<CompletableFuture<String>> hold(int n) {
        return IntStream.range(0, n).mapToObj(i -> client.get(backend.url("/hold")).send(BodyReader.text())).toList();
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) {
        return assertThatThrownBy(() -> get(f)).isInstanceOf(ExecutionException.class).actual().getCause();
    }

    @Test
    void manyConcurrentCallsShareOneConnectionAsStreams() throws Exception {
        start(100, b -> b.maxConnectionsPerHost(64));

        List<CompletableFuture<String>> calls = hold(40);
        Await.until("40 streams held by the server", WAIT, () -> backend.held() == 40);

        assertThat(backend.connections()).isEqualTo(1);
        assertThat(hostStats().streams()).isEqualTo(40);
        assertThat(hostStats().open()).isEqualTo(1);
        backend.releaseHeld();
        for (CompletableFuture<String> c : calls) {
            assertThat(get(c)).isEqualTo("released");
        }
        assertThat(client.stats().connectionsOpened()).isEqualTo(1);
        Await.until("every stream's place is free", WAIT, () -> hostStats().streams() == 0);
        // a stream that ended well is not reset (frames are in order: any RST came before this call)
        assertThat(get(client.post(backend.url("/echo")).text("x").send()).status()).isEqualTo(200);
        assertThat(backend.resets()).isEmpty();
    }

    @Test
    void aPostBodyAndTheHeadersOfInterceptorsGoOutOnTheStream() throws Exception {
        start(100, b -> b.networkInterceptor((request, chain) -> chain.proceed(request.withHeader("traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))));

        ClientResponse r = get(client.post(backend.url("/echo")).text("hello over h2").send());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("hello over h2");
        assertThat(r.header("x-method")).contains("POST");
        assertThat(r.header("x-traceparent")).contains("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void theServersStreamLimitCapsTheHostAndCallsBeyondItWaitInTheBoundedQueue() throws Exception {
        start(2, b -> b.maxConnectionsPerHost(10).maxQueuedPerHost(1));

        List<CompletableFuture<String>> running = hold(2);
        Await.until("two streams held", WAIT, () -> backend.held() == 2);
        CompletableFuture<String> waiting = client.get(backend.url("/hold")).send(BodyReader.text());
        Await.until("the third call queued", WAIT, () -> hostStats().queued() == 1);
        CompletableFuture<String> refused = client.get(backend.url("/hold")).send(BodyReader.text());

        assertThat(failure(refused)).isInstanceOf(PoolExhaustedException.class)
                .hasMessageContaining("all 2 streams to " + host() + " are busy");
        assertThat(((PoolExhaustedException) failure(refused)).reason()).isEqualTo(PoolExhaustedException.Reason.QUEUE_FULL);
        backend.releaseHeld();
        assertThat(get(running.get(0))).isEqualTo("released");
        assertThat(get(running.get(1))).isEqualTo("released");
        Await.until("the queued call got a stream", WAIT, () -> backend.held() == 1);
        backend.releaseHeld();
        assertThat(get(waiting)).isEqualTo("released");
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void theClientsPerHostLimitCountsStreamsAndAQueuedCallTimesOutAsPoolExhausted() throws Exception {
        start(100, b -> b.maxConnectionsPerHost(3));

        List<CompletableFuture<String>> running = hold(3);
        Await.until("three streams held", WAIT, () -> backend.held() == 3);
        CompletableFuture<String> waiting = client.get(backend.url("/hold")).timeout(Duration.ofMillis(200)).send(BodyReader.text());

        assertThat(failure(waiting)).isInstanceOf(PoolExhaustedException.class);
        assertThat(((PoolExhaustedException) failure(waiting)).reason()).isEqualTo(PoolExhaustedException.Reason.WAIT_TIMED_OUT);
        assertThat(hostStats().limit()).isEqualTo(3);
        assertThat(backend.streams()).isEqualTo(3);
        backend.releaseHeld();
        for (CompletableFuture<String> c : running) {
            assertThat(get(c)).isEqualTo("released");
        }
    }

    @Test
    void cancellingACallResetsItsStreamAloneWithCancel() throws Exception {
        start(100, b -> { });
        List<CompletableFuture<String>> calls = hold(2);
        Await.until("two streams held", WAIT, () -> backend.held() == 2);

        calls.get(0).cancel(true);

        Await.until("the server got RST_STREAM(CANCEL)", WAIT, () -> backend.resets().contains(8L));
        Await.until("one stream left open", WAIT, () -> backend.openStreams() == 1);
        backend.releaseHeld();
        assertThat(get(calls.get(1))).isEqualTo("released");
        assertThat(get(client.get(backend.url("/echo")).send()).status()).isEqualTo(200);
        assertThat(backend.connections()).isEqualTo(1);
        assertThat(client.stats().cancelled()).isEqualTo(1);
    }

    @Test
    void anAttemptTimeoutResetsTheStreamAndKeepsTheConnection() throws Exception {
        start(100, b -> b.retry(RetryPolicy.none()));

        CompletableFuture<String> call = client.get(backend.url("/hold")).timeout(Duration.ofMillis(150)).send(BodyReader.text());

        assertThat(failure(call)).isInstanceOf(ClientTimeoutException.class);
        Await.until("the server got RST_STREAM(CANCEL)", WAIT, () -> backend.resets().contains(8L));
        assertThat(get(client.get(backend.url("/echo")).send()).status()).isEqualTo(200);
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void aHeadResponseCarriesTheLengthOfABodyItDoesNotHave() throws Exception {
        start(100, b -> { });

        ClientResponse head = get(client.request("HEAD", java.net.URI.create(backend.url("/sized"))).send());

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).contains("5");
        assertThat(head.text()).isEmpty();
        assertThat(get(client.get(backend.url("/sized")).send(BodyReader.text()))).isEqualTo("sized");
    }

    @Test
    void theCallsDeadlineIsSentInBatonTimeout() throws Exception {
        start(100, b -> { });

        ClientResponse r = get(client.get(backend.url("/echo")).deadline(Duration.ofSeconds(5)).send());

        assertThat(r.header("x-baton-timeout")).isPresent();
        assertThat(Long.parseLong(r.header("x-baton-timeout").orElseThrow())).isBetween(1L, 5000L);
    }

    @Test
    void aGoAwayDrainsTheConnectionAndStreamsPastItsLastStreamRunAgainOnANewOne() throws Exception {
        start(100, b -> { });
        List<CompletableFuture<String>> calls = hold(4);
        Await.until("four streams held", WAIT, () -> backend.held() == 4);
        List<Integer> ids = backend.heldStreamIds();

        backend.goAway(ids.get(1)); // the server processes the first two; the others never ran

        Await.until("the two unprocessed requests ran again on a second connection", WAIT,
                () -> backend.connections() == 2 && backend.streams() == 6);
        backend.releaseHeld();
        for (CompletableFuture<String> c : calls) {
            assertThat(get(c)).isEqualTo("released");
        }
        assertThat(client.stats().retries()).isZero(); // run again within their attempts, as nothing was processed
        Await.until("the drained connection closed", WAIT, () -> hostStats().open() == 1);
        assertThat(get(client.get(backend.url("/echo")).send()).status()).isEqualTo(200);
        assertThat(backend.connections()).isEqualTo(2);
    }

    @Test
    void aRefusedStreamRunsAgainEvenForAPost() throws Exception {
        start(100, b -> b.retry(RetryPolicy.none()));

        assertThat(get(client.post(backend.url("/refuse-once")).text("x").send(BodyReader.text()))).isEqualTo("ok");

        assertThat(backend.streams()).isEqualTo(2);
        assertThat(backend.connections()).isEqualTo(1);
        assertThat(client.stats().retries()).isZero();
    }

    @Test
    void aStreamResetByTheServerFailsItsCallAsAClosedConnection() throws Exception {
        start(100, b -> b.retry(RetryPolicy.none()));

        Throwable e = failure(client.get(backend.url("/reset")).send());

        assertThat(e).isInstanceOf(ConnectionClosedException.class).hasMessageContaining("INTERNAL_ERROR");
        assertThat(((ConnectionClosedException) e).responseStarted()).isTrue();
        assertThat(get(client.get(backend.url("/echo")).send()).status()).isEqualTo(200);
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void aStreamResetWithAnErrorIsRetriedByThePolicyAsABrokenConnectionIs() throws Exception {
        start(100, b -> b.retry(RetryPolicy.builder().maxAttempts(2).backoff(Duration.ofMillis(5), Duration.ofMillis(5)).build()));

        assertThat(failure(client.get(backend.url("/reset")).send())).isInstanceOf(ConnectionClosedException.class);

        assertThat(client.stats().retries()).isEqualTo(1);
        assertThat(backend.streams()).isEqualTo(2);
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void aLargeStreamedResponseIsReadNoFasterThanItsConsumer() throws Exception {
        start(100, b -> { });
        int size = 32 * 1024 * 1024;
        try (InputStream in = get(client.get(backend.url("/big?bytes=" + size)).send(BodyReader.stream()))) {
            byte[] first = in.readNBytes(1000);
            assertThat(new String(first, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("abc");
            Await.until("the server waits for a WINDOW_UPDATE", WAIT, backend::bigBlocked);
            // what is in flight: the reader's buffer, the stream's window, a few frames
            assertThat(backend.bigBytesSent()).isLessThan(2L * 1024 * 1024);
            long total = first.length;
            byte[] buf = new byte[64 * 1024];
            int expected = first.length;
            boolean inOrder = true;
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n && inOrder; i++) {
                    inOrder = buf[i] == 'a' + (expected + i) % 26;
                }
                expected += n;
                total += n;
            }
            assertThat(inOrder).isTrue();
            assertThat(total).isEqualTo(size);
        }
    }

    @Test
    void aBufferedResponseOverMaxResponseBytesFailsAndOnlyItsStreamIsReset() throws Exception {
        start(100, b -> b.maxResponseBytes(1024 * 1024).retry(RetryPolicy.none()));

        assertThat(failure(client.get(backend.url("/big?bytes=" + 4 * 1024 * 1024)).send()))
                .isInstanceOf(HttpClientException.class).hasMessageContaining("maxResponseBytes");

        Await.until("the server got RST_STREAM(CANCEL)", WAIT, () -> backend.resets().contains(8L));
        assertThat(get(client.get(backend.url("/echo")).send()).status()).isEqualTo(200);
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void responsesRfc9113CallsMalformedFailAsMalformedResponses() throws Exception {
        start(100, b -> b.retry(RetryPolicy.none()));

        for (String path : List.of("/bad/connection-header", "/bad/no-status", "/bad/content-length")) {
            assertThat(failure(client.get(backend.url(path)).send())).as(path).isInstanceOf(MalformedResponseException.class);
        }
        assertThat(get(client.get(backend.url("/echo")).send()).status()).isEqualTo(200);
    }

    @Test
    void priorKnowledgeToAServerThatSpeaksOnlyHttp11FailsToConnectClearly() throws Exception {
        try (Servers servers = new Servers()) {
            // Baton speaks h2c by prior knowledge unless told not to
            dev.baton.Server h1 = servers.start(cfg -> cfg.http2(false), r -> r.get("/", ctx -> "h1"));
            HttpClient c = servers.client(b -> b.h2PriorKnowledgeFor("127.0.0.1:" + h1.port(), true).retry(RetryPolicy.none()));

            assertThatThrownBy(() -> c.get(Servers.url(h1, "/")).send().get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ConnectFailedException.class).hasMessageContaining("HTTP/2");
        }
    }

    @Test
    void aBatonServerIsCalledOverH2cWithManyStreamsOnOneConnection() throws Exception {
        try (Servers servers = new Servers()) {
            dev.baton.Server baton = servers.start(r -> r.get("/hello/{n}", ctx -> java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> "hello " + ctx.request().path("n").asString() + " over " + ctx.request().protocol())));
            HttpClient c = servers.client(b -> b.h2PriorKnowledge(true).maxConnectionsPerHost(100));

            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(c.get(Servers.url(baton, "/hello/" + i)).send(BodyReader.text()));
            }
            for (int i = 0; i < 40; i++) {
                assertThat(calls.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("hello " + i + " over HTTP/2.0");
            }
            assertThat(c.stats().connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void aStreamedRequestBodyGoesOutAsDataFramesOfItsStream() throws Exception {
        start(100, b -> { });

        ClientResponse r = get(client.post(backend.url("/echo")).body(RequestBody.stream("text/csv", sink -> {
            sink.write("a,b\n").thenCompose(x -> sink.write("c,d\n")).thenRun(sink::close);
        })).send());

        assertThat(r.text()).isEqualTo("a,b\nc,d\n");
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void aFrontRequestThatTimesOutResetsItsOutboundStreamAndKeepsTheConnection() throws Exception {
        try (Servers servers = new Servers()) {
            backend = H2Backend.start(100);
            closing.add(backend);
            dev.baton.Server front = servers.build(c -> { }, r -> r.get("/front", ctx ->
                    client.get(backend.url("/hold")).in(ctx).send(BodyReader.text())).timeout(Duration.ofMillis(300)));
            client = HttpClient.builder().eventLoops(front.eventLoopGroup()).h2PriorKnowledge(true).build();
            closing.add(client);
            front.start();

            java.net.http.HttpResponse<String> answer;
            try (java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient()) {
                answer = jdk.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(Servers.url(front, "/front")))
                        .timeout(WAIT).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            }

            assertThat(answer.statusCode()).isEqualTo(504);
            Await.until("the server got RST_STREAM(CANCEL)", WAIT, () -> backend.resets().contains(8L));
            Await.until("the call counted as cancelled", WAIT, () -> client.stats().cancelled() == 1);
            assertThat(get(client.get(backend.url("/echo")).send()).status()).isEqualTo(200);
            assertThat(backend.connections()).isEqualTo(1);
        }
    }

    @Test
    void anIdleH2ConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(100, b -> b.idleTimeout(Duration.ofMillis(200)));

        assertThat(get(client.get(backend.url("/echo")).send()).status()).isEqualTo(200);

        Await.until("the idle connection closed", WAIT, () -> hostStats().open() == 0);
        assertThat(get(client.get(backend.url("/echo")).send()).status()).isEqualTo(200);
        assertThat(backend.connections()).isEqualTo(2);
    }

    @Test
    void aConnectionErrorOfTheServerFailsItsStreamsAsMalformed() throws Exception {
        // a raw h2 peer: SETTINGS, then for the first request a HEADERS frame whose HPACK block
        // is invalid (index 0): a connection error (COMPRESSION_ERROR, RFC 9113 4.3)
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (java.net.Socket s = listener.accept()) {
                    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                    java.io.OutputStream out = s.getOutputStream();
                    out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, empty
                    out.flush();
                    in.readFully(new byte[24]); // the client's preface
                    while (true) {
                        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                        int type = in.readUnsignedByte();
                        in.readUnsignedByte();
                        int stream = in.readInt() & 0x7fffffff;
                        in.readFully(new byte[length]);
                        if (type == 1) {
                            out.write(new byte[] {0, 0, 1, 1, 4, (byte) (stream >>> 24), (byte) (stream >>> 16),
                                    (byte) (stream >>> 8), (byte) stream, (byte) 0x80});
                            out.flush();
                            in.readAllBytes(); // until the client closes
                            return;
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (HttpClient c = HttpClient.builder().eventLoopThreads(1).h2PriorKnowledge(true).retry(RetryPolicy.none()).build()) {
                Throwable e = failure(c.get("http://127.0.0.1:" + listener.getLocalPort() + "/").send());

                assertThat(e).isInstanceOf(MalformedResponseException.class).hasMessageContaining("HTTP/2 connection failed");
                get(served);
                Await.until("the broken connection is dropped", WAIT,
                        () -> c.stats().hosts().get("127.0.0.1:" + listener.getLocalPort()).open() == 0);
            }
        }
    }
}
