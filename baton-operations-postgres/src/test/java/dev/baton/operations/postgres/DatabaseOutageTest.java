package dev.baton.operations.postgres;

import static dev.baton.operations.postgres.TestPostgres.POLL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A database that goes away mid-run: requests get 503 at once, running work goes on, nothing acknowledged is lost. */
class DatabaseOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private TestPostgres pg;
    private NodeMain.Running node;

    @BeforeEach
    void start() {
        pg = TestPostgres.start();
        node = NodeMain.start(pg.url(), "outage", "solo");
    }

    @AfterEach
    void stop() {
        node.close();
        pg.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + node.server().port() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String create(String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/operations/steps")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
        return JSON.readTree(r.body()).path("id").asText();
    }

    @Test
    void whileTheDatabaseIsDownRequestsGet503WithRetryAfterAndTheRunningOperationFinishesWhenItReturns() throws Exception {
        String id = create("{\"steps\":20,\"stepMillis\":100}");
        POLL.until("running", Duration.ofSeconds(10), () -> status(id).equals("running"));
        pg.stopImmediately();
        long asked = System.nanoTime();
        HttpResponse<String> down = get("/operations/" + id);
        Duration took = Duration.ofNanos(System.nanoTime() - asked);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
        assertThat(down.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(down.body()).doesNotContain("PSQL").doesNotContain("org.postgresql");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        pg.startAgain();
        POLL.until("succeeded after the database returned", Duration.ofSeconds(30), () -> status(id).equals("succeeded"));
        JsonNode done = JSON.readTree(get("/operations/" + id).body());
        assertThat(done.path("result").path("resumedFrom").asInt()).isZero(); // the same attempt went on: nothing was lost
    }

    @Test
    void aCrashRestartOfTheDatabaseLosesNoAcknowledgedOperationAndTheEventStreamGoesOnWithNoEventTwice() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create("{\"steps\":15,\"stepMillis\":100}"));
        }
        String watched = ids.getFirst();
        CompletableFuture<List<Long>> eventIds = CompletableFuture.supplyAsync(() -> follow(watched, 0));
        POLL.until("running", Duration.ofSeconds(10), () -> status(watched).equals("running"));
        pg.restartImmediately();
        for (String id : ids) {
            POLL.until(id + " succeeded", Duration.ofSeconds(40), () -> status(id).equals("succeeded"));
        }
        List<Long> seen = new ArrayList<>(eventIds.get(30, java.util.concurrent.TimeUnit.SECONDS));
        // a stream cut by the restart is resumed by the client with Last-Event-ID, as an EventSource does
        if (seen.isEmpty() || seen.getLast() != lastEventId(watched)) {
            seen.addAll(follow(watched, seen.isEmpty() ? 0 : seen.getLast()));
        }
        assertThat(seen).doesNotHaveDuplicates().isSorted();
        assertThat(seen.getLast()).isEqualTo(lastEventId(watched));
    }

    private List<Long> follow(String id, long after) {
        List<Long> ids = new ArrayList<>();
        try {
            HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(uri("/operations/" + id + "/events"))
                    .header("Last-Event-ID", Long.toString(after)).timeout(Duration.ofSeconds(40)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            r.body().forEach(line -> {
                if (line.startsWith("id:")) {
                    ids.add(Long.parseLong(line.substring(3).strip()));
                }
            });
        } catch (Exception cut) {
            // the stream broke: what arrived is what counts
        }
        return ids;
    }

    private long lastEventId(String id) {
        try {
            return Long.parseLong(get("/operations/" + id).headers().firstValue("ETag").orElseThrow().replace("\"", ""));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String status(String id) {
        try {
            HttpResponse<String> r = get("/operations/" + id);
            return r.statusCode() == 200 ? JSON.readTree(r.body()).path("status").asText() : "http " + r.statusCode();
        } catch (Exception e) {
            return "unreachable";
        }
    }
}
