package dev.baton.client;

import static dev.baton.client.Servers.later;
import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool's safety net: a host whose calls keep waiting for a connection is reported, a healthy one never. */
class ConnectionWaitReportTest {
    final Servers servers = new Servers();
    Server backend;
    String host;

    @BeforeEach
    void startBackend() {
        backend = servers.start(r -> {
            r.get("/fast", ctx -> later(2, "ok")).execution(ExecutionModel.EVENT_LOOP);
            r.get("/slow", ctx -> later(100, "ok")).execution(ExecutionModel.EVENT_LOOP);
        });
        host = "127.0.0.1:" + backend.port();
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    /** {@code callers} chains of {@code each} calls one after another, all chains at once. */
    private static void run(HttpClient client, String url, int callers, int each) throws Exception {
        List<CompletableFuture<Void>> chains = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            chains.add(chain(client, url, each));
        }
        CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    private static CompletableFuture<Void> chain(HttpClient client, String url, int left) {
        if (left == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return client.get(url).send(BodyReader.text()).thenCompose(body -> {
            assertThat(body).isEqualTo("ok");
            return chain(client, url, left - 1);
        });
    }

    /** What the client logs while {@code work} runs (slf4j-simple writes to System.err as it is at the time). */
    private static String logsOf(ThrowingRunnable work) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }

    private static long occurrences(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void aHealthyRunWhoseCallsWaitOnlyBrieflyIsNeverReported() throws Exception {
        // eight callers on four connections to a fast host: calls do queue, for a few milliseconds (far
        // below the threshold, which leaves room for a loaded machine: the report is relative to it)
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(4).connectionWaitThreshold(Duration.ofSeconds(1)));

        String logs = logsOf(() -> run(client, url(backend, "/fast"), 8, 50));

        ClientStats stats = client.stats();
        ClientStats.HostStats h = stats.hosts().get(host);
        assertThat(h.attempts()).isEqualTo(400);
        assertThat(h.waits().count()).as("calls did wait for a connection").isPositive();
        assertThat(h.recentWaitP99()).isLessThan(Duration.ofSeconds(1));
        assertThat(stats.connectionWaitReports()).isZero();
        assertThat(logs).doesNotContain("waited p99");
    }

    @Test
    void aHostWhoseCallsKeepWaitingForItsOnlyConnectionIsReportedOnceWithWhatToDo() throws Exception {
        // fifteen calls at once to a host that takes 100 ms, on one connection: the last waits 1.4 s
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(1));

        String logs = logsOf(() -> {
            run(client, url(backend, "/slow"), 15, 1);
            run(client, url(backend, "/slow"), 15, 1); // still capped: counted again at most, never logged again
        });

        ClientStats stats = client.stats();
        assertThat(stats.hosts().get(host).waits().count()).isEqualTo(28);
        assertThat(stats.hosts().get(host).recentWaitP99()).isGreaterThan(Duration.ofMillis(100));
        assertThat(stats.connectionWaitReports()).isBetween(1L, 2L); // once per 5 s slice the bursts fall in
        assertThat(occurrences(logs, "waited p99")).isEqualTo(1);
        assertThat(logs).contains("calls to " + host + " waited p99 ", " ms for a connection (limit 1 per host, all busy;",
                "raise its limit (perHost(\"" + host + "\", n)");
    }

    @Test
    void aZeroThresholdTurnsTheReportOff() throws Exception {
        HttpClient client = servers.client(b -> b.maxConnectionsPerHost(1).connectionWaitThreshold(Duration.ZERO));

        String logs = logsOf(() -> run(client, url(backend, "/slow"), 15, 1));

        assertThat(client.stats().hosts().get(host).waits().count()).isEqualTo(14);
        assertThat(client.stats().connectionWaitReports()).isZero();
        assertThat(logs).doesNotContain("waited p99");
    }
}
