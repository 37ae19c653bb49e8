package dev.baton.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.internal.Futures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target of the client's response decoding (Jazzer): a backend answers with any bytes. The
 * call ends, in time, with a response or one of the client's documented exceptions, never
 * anything else; and the next call to the same host, answered properly, succeeds: nothing broken
 * went back to the pool. Regression mode under {@code ./baton test} (the seeds under
 * {@code src/test/resources/dev/baton/client/ResponseDecodingFuzzTestInputs/}); a campaign:
 * {@code JAZZER_FUZZ=1 mvn test -pl baton-client -Dtest=ResponseDecodingFuzzTest}.
 */
class ResponseDecodingFuzzTest {
    private static volatile String answer = RawBackend.OK;
    private static final RawBackend BACKEND = start();
    private static final HttpClient CLIENT = HttpClient.builder().maxConnectionsPerHost(4).build();

    private static RawBackend start() {
        try {
            return RawBackend.start(n -> answer);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        CLIENT.close();
        BACKEND.close();
    }

    @FuzzTest(maxDuration = "60s")
    void anyResponseBytes(FuzzedDataProvider data) throws Exception {
        answer = new String(data.consumeRemainingAsBytes(), StandardCharsets.ISO_8859_1);
        try {
            ClientResponse r = CLIENT.get(BACKEND.url("/fuzz")).retry(RetryPolicy.none()).deadline(Duration.ofMillis(500))
                    .send().get(5, TimeUnit.SECONDS);
            assertThat(r.status()).isBetween(100, 999);
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            assertThat(Futures.unwrap(e)).isInstanceOf(HttpClientException.class);
        }
        answer = RawBackend.OK;
        ClientResponse next = CLIENT.get(BACKEND.url("/after")).retry(RetryPolicy.none()).deadline(Duration.ofSeconds(3))
                .send().get(5, TimeUnit.SECONDS);
        assertThat(next.text()).isEqualTo("ok");
    }
}
