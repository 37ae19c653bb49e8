package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchServerTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ParameterizedTest
    @CsvSource({"WORKER,LOOP", "EVENT_LOOP,LOOP", "VIRTUAL,JDK"})
    void servesThePeerEndpointsInEveryExecutionModel(String model, String timer) throws Exception {
        Server server = BenchServer.start(BenchServer.Options.parse("--port", "0", "--model", model, "--timer", timer));
        try {
            String base = "http://127.0.0.1:" + server.port();
            assertThat(get(base + "/plaintext").body()).isEqualTo("Hello, World!");
            HttpResponse<String> json = get(base + "/json");
            assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(json.body()).isEqualTo("{\"message\":\"Hello, World!\"}");
            assertThat(get(base + "/slow?ms=20").body()).isEqualTo("ok");
            assertThat(get(base + "/slow-blocking?ms=1").body()).isEqualTo("ok");
            HttpResponse<String> bad = get(base + "/slow?ms=-1");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(server.routes()).allSatisfy(r -> assertThat(r.execution()).isNull());
            assertThat(server.config().defaultExecution().name()).isEqualTo(model);
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void rejectsUnknownOptionsAndMissingValues() {
        assertThatThrownBy(() -> BenchServer.Options.parse("--bogus", "1")).hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> BenchServer.Options.parse("--port")).hasMessageContaining("missing value for --port");
        assertThatThrownBy(() -> BenchServer.Options.parse("--port", "x")).hasMessageContaining("--port needs a number");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
