package dev.baton.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.testing.await.Await;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Responses Netty's decoder rejects, sent byte for byte by a raw backend. */
class MalformedResponseTest {
    static final String CORRUPT_CHUNK = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n";
    final Servers servers = new Servers();

    @AfterEach
    void stop() {
        servers.close();
    }

    /** One connection, no retries, and an attempt timeout well inside the test's patience. */
    private HttpClient oneConnection() {
        return servers.client(b -> b.maxConnectionsPerHost(1).retry(RetryPolicy.none()).timeout(Duration.ofSeconds(3))
                .maxHeaderSize(1024));
    }

    /** The next call gets the plain "ok" on a new connection, and the broken one was closed. */
    private static void assertTheBrokenConnectionWasClosed(HttpClient client, RawBackend raw) throws Exception {
        assertThat(client.get(raw.url("/next")).send(BodyReader.text()).get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(raw.accepted()).as("the next call opened a new connection").isEqualTo(2);
        Await.until("the broken connection closed by the client", Duration.ofSeconds(5), () -> raw.closedByClient() >= 1);
        assertThat(client.stats().connectionsReused()).isZero();
    }

    @Test
    void aChunkSizeThatIsNotHexFailsTheCallAndClosesItsConnection() throws Exception {
        try (RawBackend raw = RawBackend.firstAnswer(CORRUPT_CHUNK)) {
            HttpClient client = oneConnection();
            assertThatThrownBy(() -> client.get(raw.url("/corrupt")).send(BodyReader.text()).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(MalformedResponseException.class)
                    .hasMessageContaining("malformed response body from " + raw.host());
            assertTheBrokenConnectionWasClosed(client, raw);
        }
    }

    @Test
    void aTrailerLargerThanTheHeaderLimitFailsTheCallAndClosesItsConnection() throws Exception {
        String trailer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Pad: "
                + "a".repeat(2000) + "\r\n\r\n";
        try (RawBackend raw = RawBackend.firstAnswer(trailer)) {
            HttpClient client = oneConnection();
            assertThatThrownBy(() -> client.get(raw.url("/trailer")).send().get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOf(MalformedResponseException.class);
            assertTheBrokenConnectionWasClosed(client, raw);
        }
    }

    @Test
    void aCorruptChunkInAStreamedBodyFailsTheReadAndClosesTheConnection() throws Exception {
        try (RawBackend raw = RawBackend.firstAnswer(CORRUPT_CHUNK)) {
            HttpClient client = oneConnection();
            InputStream in = client.get(raw.url("/corrupt")).send(BodyReader.stream()).get(5, TimeUnit.SECONDS);
            try (in) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                        .hasMessageContaining("cut short")
                        .hasCauseInstanceOf(MalformedResponseException.class);
            }
            assertTheBrokenConnectionWasClosed(client, raw);
        }
    }

    @Test
    void aMalformedResponseHeadFailsTheCallWithTheSameException() throws Exception {
        try (RawBackend raw = RawBackend.firstAnswer("HTTP/1.1 200 OK\r\nContent-Length: zz\r\n\r\nok")) {
            HttpClient client = oneConnection();
            assertThatThrownBy(() -> client.get(raw.url("/head")).send().get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOf(MalformedResponseException.class)
                    .hasMessageContaining("malformed response head from " + raw.host());
            assertTheBrokenConnectionWasClosed(client, raw);
        }
    }

    @Test
    void aMalformedResponseIsNeverRetriedWhateverTheMethod() throws Exception {
        RetryPolicy eager = RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(5), Duration.ofMillis(5))
                .retryNonIdempotent(true).build();
        try (RawBackend raw = RawBackend.start(n -> CORRUPT_CHUNK)) {
            HttpClient client = servers.client(b -> b.retry(eager));
            assertThatThrownBy(() -> client.get(raw.url("/idempotent")).send().get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOf(MalformedResponseException.class);
            assertThatThrownBy(() -> client.post(raw.url("/order")).text("one order").send().get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOf(MalformedResponseException.class);
            assertThat(raw.requests()).as("one attempt each").isEqualTo(2);
            assertThat(client.stats().retries()).isZero();
            assertThat(client.stats().failures()).isEqualTo(2);
        }
    }
}
