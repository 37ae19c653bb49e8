package dev.baton.operations.postgres;

import static dev.baton.operations.postgres.TestPostgres.POLL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes as separate JVMs on one PostgreSQL, what crosses from one to another: a node lost more
 * often than the type's attempts allow, and a cancel sent through a node that does not run the operation.
 */
@Timeout(90)
class CrossNodeTest {
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
        return "cross_" + SCHEMAS.incrementAndGet();
    }

    @Test
    void anOperationWhoseNodeIsLostMoreOftenThanItsAttemptsAllowFailsSayingHowOftenAndEachRescueRaisesItsAttempts()
            throws Exception {
        String schema = schema();
        try (NodeProcess a = NodeProcess.start(pg.url(), schema, "a")) {
            // "twice": retry(2, 0). 300 steps of 50 ms: it outlives both kills by far
            String id = a.post("/operations/twice", "{\"steps\":300,\"stepMillis\":50}").path("id").asText();
            a.awaitMark("RUN " + id + " 1", Duration.ofSeconds(20));
            assertThat(a.get("/operations/" + id).path("attempts").asInt()).isEqualTo(1);
            try (NodeProcess b = NodeProcess.start(pg.url(), schema, "b")) {
                a.kill9();
                long killedA = System.nanoTime();
                NodeProcess.Mark second = b.awaitMark("RUN " + id + " 2", NodeMain.LEASE.plusSeconds(5));
                Duration firstRescue = Duration.ofNanos(second.nanos() - killedA);
                JsonNode onB = b.get("/operations/" + id);
                assertThat(onB.path("status").asText()).isEqualTo("running");
                assertThat(onB.path("attempts").asInt()).isEqualTo(2);
                try (NodeProcess c = NodeProcess.start(pg.url(), schema, "c")) {
                    POLL.until("b checkpointed", Duration.ofSeconds(10), () -> percent(c, id) > percentAt(onB));
                    b.kill9();
                    long killedB = System.nanoTime();
                    JsonNode done = awaitTerminal(c, id, NodeMain.LEASE.plusSeconds(10));
                    Duration secondLoss = Duration.ofNanos(System.nanoTime() - killedB);
                    System.out.println("lost twice: rescued after " + firstRescue.toMillis() + " ms, failed "
                            + secondLoss.toMillis() + " ms after the second kill: " + done.path("error").path("detail").asText());
                    assertThat(done.path("status").asText()).isEqualTo("failed");
                    assertThat(done.path("error").path("detail").asText()).contains("the node running it was lost 2 times");
                    assertThat(done.path("error").path("status").asInt()).isEqualTo(503);
                    assertThat(done.path("attempts").asInt()).isEqualTo(3); // 1, 2 on a rescue, 3 on the rescue that refused to run it
                    assertThat(c.mark("RUN " + id)).as("a third attempt never runs").isNull();
                    assertThat(firstRescue).isLessThan(NodeMain.LEASE.plusSeconds(2));
                    assertThat(secondLoss).isLessThan(NodeMain.LEASE.plusSeconds(2));
                }
            }
        }
    }

    @Test
    void aCancelThroughAnotherNodeFiresTheRunningHandlersTokenWithinALeaseAndTheOperationEndsCanceled() throws Exception {
        String schema = schema();
        try (NodeProcess a = NodeProcess.start(pg.url(), schema, "a")) {
            String id = a.post("/operations/hold", "{\"millis\":60000}").path("id").asText();
            a.awaitMark("RUN " + id + " 1", Duration.ofSeconds(20)); // running on a before b exists: b never claimed it
            try (NodeProcess b = NodeProcess.start(pg.url(), schema, "b")) {
                long asked = System.nanoTime();
                HttpResponse<String> deleted = b.send("DELETE", "/operations/" + id, null);
                assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
                assertThat(NodeProcess.JSON.readTree(deleted.body()).path("cancelRequested").asBoolean()).isTrue();
                // the hold handler writes nothing: only a's lease renewal (every lease / 3) can find the flag
                NodeProcess.Mark fired = a.awaitMark("TOKEN " + id, NodeMain.LEASE.plusSeconds(3));
                Duration toFire = Duration.ofNanos(fired.nanos() - asked);
                JsonNode done = awaitTerminal(b, id, Duration.ofSeconds(10));
                System.out.println("cancel through b fired a's token in " + toFire.toMillis() + " ms (renewal every "
                        + NodeMain.LEASE.toMillis() / 3 + " ms)");
                assertThat(fired.text()).isEqualTo("TOKEN " + id + " CANCEL_REQUESTED");
                assertThat(toFire).isLessThan(NodeMain.LEASE);
                assertThat(done.path("status").asText()).isEqualTo("canceled");
                assertThat(done.path("attempts").asInt()).isEqualTo(1);
                assertThat(stat(a, "canceled")).isEqualTo(1);
                assertThat(b.mark("RUN " + id)).isNull();
            }
        }
    }

    @Test
    void aQueuedOperationCanceledThroughAnotherNodeNeverRuns() throws Exception {
        String schema = schema();
        List<String> oneAtATime = List.of("-Dbaton.test.maxRunning=1");
        try (NodeProcess a = NodeProcess.start(pg.url(), schema, "a", oneAtATime, m -> { })) {
            String holdA = a.post("/operations/hold", "{\"millis\":60000}").path("id").asText();
            a.awaitMark("RUN " + holdA, Duration.ofSeconds(20));
            try (NodeProcess b = NodeProcess.start(pg.url(), schema, "b", oneAtATime, m -> { })) {
                String holdB = b.post("/operations/hold", "{\"millis\":60000}").path("id").asText();
                b.awaitMark("RUN " + holdB, Duration.ofSeconds(20));
                // both nodes are full: this one waits in the queue
                String queued = a.post("/operations/twice", "{\"steps\":2,\"stepMillis\":10}").path("id").asText();
                assertThat(b.get("/operations/" + queued).path("status").asText()).isEqualTo("notStarted");
                HttpResponse<String> deleted = b.send("DELETE", "/operations/" + queued, null);
                assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
                assertThat(NodeProcess.JSON.readTree(deleted.body()).path("status").asText()).isEqualTo("canceled");
                // free both slots, then run one more: claims go oldest first, so the canceled one would have run before it
                assertThat(b.send("DELETE", "/operations/" + holdA, null).statusCode()).isEqualTo(202);
                assertThat(a.send("DELETE", "/operations/" + holdB, null).statusCode()).isEqualTo(202);
                awaitTerminal(a, holdA, Duration.ofSeconds(10));
                awaitTerminal(b, holdB, Duration.ofSeconds(10));
                String after = a.post("/operations/twice", "{\"steps\":2,\"stepMillis\":10}").path("id").asText();
                assertThat(awaitTerminal(b, after, Duration.ofSeconds(10)).path("status").asText()).isEqualTo("succeeded");
                JsonNode canceled = a.get("/operations/" + queued);
                assertThat(canceled.path("status").asText()).isEqualTo("canceled");
                assertThat(canceled.path("attempts").asInt()).isZero();
                assertThat(canceled.has("startedAt")).isFalse();
                assertThat(a.mark("RUN " + queued)).isNull();
                assertThat(b.mark("RUN " + queued)).isNull();
            }
        }
    }

    static JsonNode awaitTerminal(NodeProcess node, String id, Duration within) {
        return POLL.until(id + " terminal on " + node.name, within, () -> {
            try {
                return node.get("/operations/" + id);
            } catch (Exception e) {
                return null; // not this time: polled again
            }
        }, op -> op != null && isTerminal(op.path("status").asText()));
    }

    static boolean isTerminal(String status) {
        return status.equals("succeeded") || status.equals("failed") || status.equals("canceled");
    }

    private static int percentAt(JsonNode op) {
        return op.path("percentComplete").asInt();
    }

    private static int percent(NodeProcess n, String id) {
        try {
            return n.get("/operations/" + id).path("percentComplete").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    static long stat(NodeProcess n, String name) {
        try {
            return n.get("/stats").path(name).asLong();
        } catch (Exception e) {
            return -1;
        }
    }
}
