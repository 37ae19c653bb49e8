package dev.baton.tls;

import static dev.baton.tls.TlsFixtures.connect;
import static dev.baton.tls.TlsFixtures.exchange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ShutdownReport;
import dev.baton.context.CancellationReason;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Timeouts, cancellation, the numbers and graceful shutdown hold over TLS as over plain TCP. */
class TlsAsyncModelTest {

    @Test
    void theRequestTimeoutAnswers504OverTls() throws Exception {
        try (TestServer s = TestServer.start(c -> c.tls(TlsFixtures.pem("a").build()).requestTimeout(Duration.ofMillis(200)),
                r -> r.get("/never", ctx -> new CompletableFuture<>()));
             SSLSocket socket = connect(s.port(), TlsFixtures.client(false))) {
            assertThat(exchange(socket, "/never")).startsWith("HTTP/1.1 504 ");
        }
    }

    @Test
    void aTlsClientThatHangsUpCancelsTheTokenWithClientDisconnect() throws Exception {
        CompletableFuture<CancellationReason> reason = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        try (TestServer s = TestServer.start(c -> c.tls(TlsFixtures.pem("a").build()), r -> r.get("/hang", ctx -> {
            ctx.cancellation().onCancel(reason::complete);
            started.complete(null);
            return new CompletableFuture<>();
        }))) {
            SSLSocket socket = connect(s.port(), TlsFixtures.client(false));
            OutputStream out = socket.getOutputStream();
            out.write("GET /hang HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            started.get(10, TimeUnit.SECONDS);

            socket.close();

            assertThat(reason.get(10, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CLIENT_DISCONNECT);
            Await.until("disconnect counted", Duration.ofSeconds(5), () -> s.server.stats().clientDisconnects() == 1
                    && s.server.stats().inFlight() == 0);
        }
    }

    @Test
    void aTlsConnectionCountsAsOpenFromItsHandshakeUntilItCloses() throws Exception {
        try (TestServer s = TestServer.start(c -> c.tls(TlsFixtures.pem("a").build()), r -> r.get("/", ctx -> "ok"))) {
            try (SSLSocket socket = connect(s.port(), TlsFixtures.client(false))) {
                assertThat(exchange(socket, "/")).isEqualTo("HTTP/1.1 200 OK ok");
                assertThat(s.server.stats().openConnections()).isEqualTo(1);
            }
            Await.until("the connection counted closed", Duration.ofSeconds(5), () -> s.server.stats().openConnections() == 0);
        }
    }

    @Test
    void aGracefulStopLetsARequestInFlightOverTlsFinish() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        TestServer s = TestServer.start(c -> c.tls(TlsFixtures.pem("a").build()).shutdownHook(false), r -> r.get("/slow", ctx -> {
            started.complete(null);
            return answer;
        }));
        // threads of their own: the common pool may have one, and the two calls block
        try (SSLSocket socket = connect(s.port(), TlsFixtures.client(false));
             java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return exchange(socket, "/slow");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, threads);
            started.get(10, TimeUnit.SECONDS);
            CompletableFuture<ShutdownReport> stopped = CompletableFuture.supplyAsync(() -> s.server.stop(Duration.ofSeconds(10)), threads);
            Await.until("the server stopped accepting", Duration.ofSeconds(5), () -> refused(s.port()));

            answer.complete("finished");

            assertThat(response.get(10, TimeUnit.SECONDS)).isEqualTo("HTTP/1.1 200 OK finished");
            ShutdownReport report = stopped.get(15, TimeUnit.SECONDS);
            assertThat(report.inFlightAtStart()).isEqualTo(1);
            assertThat(report.completed()).isEqualTo(1);
        } finally {
            s.close();
        }
    }

    private static boolean refused(int port) {
        try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
