package dev.baton.operations.postgres;

import static dev.baton.operations.postgres.TestPostgres.POLL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nodes as separate JVMs on one PostgreSQL: any node serves any operation, and a lost node's work finishes elsewhere. */
class MultiNodeTest {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static TestPostgres pg;

    @BeforeAll
    static void startDatabase() {
        pg = TestPostgres.start();
    }

    @AfterAll
    static void stopDatabase() {
        pg.close();
    }

    private static String schema() {
        return "cluster_" + SCHEMAS.incrementAndGet();
    }

    private static JsonNode awaitTerminal(NodeProcess node, String id, Duration within) {
        return POLL.until(id + " terminal", within, () -> node.get("/operations/" + id),
                op -> CrossNodeTest.isTerminal(op.path("status").asText()));
    }

    @Test
    void anOperationCreatedOnOneNodeStreamsFromASecondAndReadsItsResultFromAThird() throws Exception {
        String schema = schema();
        try (NodeProcess a = NodeProcess.start(pg.url(), schema, "a");
             NodeProcess b = NodeProcess.start(pg.url(), schema, "b");
             NodeProcess c = NodeProcess.start(pg.url(), schema, "c")) {
            String id = a.post("/operations/steps", "{\"steps\":10,\"stepMillis\":50}").path("id").asText();
            HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(b.uri("/operations/" + id + "/events")).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.statusCode()).isEqualTo(200);
            List<Long> ids = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            stream.body().forEach(line -> {
                if (line.startsWith("id:")) {
                    ids.add(Long.parseLong(line.substring(3).strip()));
                } else if (line.startsWith("event:")) {
                    kinds.add(line.substring(6).strip());
                }
            });
            assertThat(ids).doesNotHaveDuplicates().isSorted();
            assertThat(ids.getFirst()).isEqualTo(1);
            assertThat(kinds).contains("progress");
            assertThat(kinds.getLast()).isEqualTo("succeeded");
            JsonNode done = c.get("/operations/" + id);
            assertThat(done.path("status").asText()).isEqualTo("succeeded");
            assertThat(done.path("result").path("resumedFrom").asInt()).isZero();
        }
    }

    @Test
    void aNodeKilledMidOperationIsReplacedByAnotherThatResumesFromItsLastCheckpoint() throws Exception {
        String schema = schema();
        try (NodeProcess a = NodeProcess.start(pg.url(), schema, "a")) {
            String id = a.post("/operations/steps", "{\"steps\":40,\"stepMillis\":150}").path("id").asText();
            POLL.until("a reached 10 %", Duration.ofSeconds(20), () -> percent(a, id) >= 10);
            try (NodeProcess b = NodeProcess.start(pg.url(), schema, "b")) {
                a.kill9();
                long killed = System.nanoTime();
                POLL.until("b took over", Duration.ofSeconds(10), () -> attempts(b, id) >= 2);
                Duration toRescue = Duration.ofNanos(System.nanoTime() - killed);
                JsonNode done = awaitTerminal(b, id, Duration.ofSeconds(30));
                System.out.println("rescued after a kill -9 in " + toRescue.toMillis() + " ms (lease " + NodeMain.LEASE.toMillis() + " ms)");
                assertThat(toRescue).isLessThan(NodeMain.LEASE.plusSeconds(2));
                assertThat(done.path("status").asText()).isEqualTo("succeeded");
                assertThat(done.path("result").path("node").asText()).isEqualTo("b");
                assertThat(done.path("result").path("resumedFrom").asInt()).isGreaterThanOrEqualTo(4);
                assertThat(done.path("attempts").asInt()).isEqualTo(2);
            }
        }
    }

    @Test
    void aPausedNodeThatLostItsLeaseCannotWriteWhenItWakesAndItsRefusedWritesAreCounted() throws Exception {
        String schema = schema();
        try (NodeProcess a = NodeProcess.start(pg.url(), schema, "a")) {
            String id = a.post("/operations/steps", "{\"steps\":40,\"stepMillis\":100}").path("id").asText();
            POLL.until("a reached 10 %", Duration.ofSeconds(20), () -> percent(a, id) >= 10);
            a.pause(); // before b boots: a must not finish meanwhile
            try (NodeProcess b = NodeProcess.start(pg.url(), schema, "b")) {
                JsonNode done = awaitTerminal(b, id, Duration.ofSeconds(30));
                a.resume();
                POLL.until("a's late writes refused", Duration.ofSeconds(10),
                        () -> stat(a, "fencedWrites") > 0);
                JsonNode stored = b.get("/operations/" + id);
                assertThat(done.path("result").path("node").asText()).isEqualTo("b");
                assertThat(stored.path("result")).isEqualTo(done.path("result"));
                assertThat(stored.path("status").asText()).isEqualTo("succeeded");
                assertThat(stat(a, "succeeded")).isZero();
            }
        }
    }

    private static int percent(NodeProcess n, String id) {
        try {
            return n.get("/operations/" + id).path("percentComplete").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int attempts(NodeProcess n, String id) {
        try {
            return n.get("/operations/" + id).path("attempts").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long stat(NodeProcess n, String name) {
        try {
            return n.get("/stats").path(name).asLong();
        } catch (Exception e) {
            return -1;
        }
    }
}
