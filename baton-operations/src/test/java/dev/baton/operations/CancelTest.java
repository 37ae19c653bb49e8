package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.context.CancellationReason;
import dev.baton.operations.support.Gates;
import dev.baton.operations.support.OpsServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CancelTest {
    private final Gates gates = new Gates();
    private final CompletableFuture<CancellationReason> seen = new CompletableFuture<>();
    private OpsServer server;

    @BeforeEach
    void start() {
        server = OpsServer.start(Operations.builder()
                .type(OperationType.of("cooperative", Void.class, (in, op) -> {
                    op.progress(10, "working");
                    // waits on the token, as a handler that passes it to its calls would
                    CancellationReason why = op.cancellation().whenCancelled().toCompletableFuture().get(30, TimeUnit.SECONDS);
                    seen.complete(why);
                    op.cancellation().throwIfCancelled();
                    return "unreachable";
                }))
                .type(OperationType.of("stubborn", Void.class, (in, op) -> {
                    op.cancellation().onCancel(seen::complete);
                    gates.await("stubborn"); // ignores its token
                    return "too late";
                }))
                .type(OperationType.of("async", Void.class, (in, op) -> gates.gate("never")))
                .type(OperationType.of("quick", Void.class, (in, op) -> "done"))
                .type(OperationType.of("slow", Void.class, (in, op) -> {
                    gates.await("slow");
                    return "slow done";
                }).timeout(Duration.ofMillis(300)))
                .config(c -> c.cancelGrace(Duration.ofMillis(500)).maxRunning(2))
                .build());
    }

    @AfterEach
    void stop() {
        gates.open("stubborn");
        gates.open("slow");
        server.close();
    }

    @Test
    void aCooperativeHandlerSeesItsTokenFireAndEndsCanceled() throws Exception {
        String id = server.post("/operations/cooperative", "").json().path("id").asText();
        server.awaitPercent(id, 10);
        OpsServer.Reply cancel = server.delete("/operations/" + id);
        assertThat(cancel.status()).isEqualTo(202);
        assertThat(cancel.json().path("id").asText()).isEqualTo(id);
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CANCEL_REQUESTED);
        JsonNode done = server.awaitTerminal(id, Duration.ofSeconds(10));
        assertThat(done.path("status").asText()).isEqualTo("canceled");
        assertThat(done.path("error").path("status").asInt()).isEqualTo(409);
        assertThat(done.path("percentComplete").asInt()).isEqualTo(10);
        assertThat(done.has("cancelRequested")).isFalse();
        assertThat(server.operations.stats().canceled()).isEqualTo(1);
        assertThat(server.operations.stats().uncooperative()).isZero();
        // cancelling again changes nothing; a 202 as the first time
        assertThat(server.delete("/operations/" + id).status()).isEqualTo(202);
    }

    @Test
    void anAsynchronousHandlersPendingStageIsCancelledWithTheOperation() {
        String id = server.post("/operations/async", "").json().path("id").asText();
        server.awaitStatus(id, "running");
        server.delete("/operations/" + id);
        assertThat(server.awaitTerminal(id, Duration.ofSeconds(10)).path("status").asText()).isEqualTo("canceled");
        assertThat(gates.gate("never")).isCancelled();
    }

    @Test
    void aHandlerThatIgnoresItsTokenIsAbandonedAfterTheGraceAndItsLateResultDropped() throws Exception {
        String id = server.post("/operations/stubborn", "").json().path("id").asText();
        server.awaitStatus(id, "running");
        server.delete("/operations/" + id);
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(CancellationReason.CANCEL_REQUESTED);
        // still running within the grace: cancel requested, not yet canceled
        JsonNode during = server.get("/operations/" + id).json();
        assertThat(during.path("status").asText()).isEqualTo("running");
        assertThat(during.path("cancelRequested").asBoolean()).isTrue();
        JsonNode done = server.awaitTerminal(id, Duration.ofSeconds(10));
        assertThat(done.path("status").asText()).isEqualTo("canceled");
        assertThat(server.operations.stats().uncooperative()).isEqualTo(1);
        assertThat(server.operations.stats().running()).isZero();
        gates.open("stubborn");
        Await.until("late result counted", Duration.ofSeconds(10),
                () -> server.operations.stats().lateResults() == 1);
        assertThat(server.get("/operations/" + id).json().path("status").asText()).isEqualTo("canceled");
    }

    @Test
    void aQueuedOperationIsCanceledAtOnceAndNeverRuns() {
        String a = server.post("/operations/stubborn", "").json().path("id").asText();
        String b = server.post("/operations/slow", "").json().path("id").asText();
        server.awaitStatus(a, "running");
        server.awaitStatus(b, "running");
        String queued = server.post("/operations/quick", "").json().path("id").asText();
        assertThat(server.get("/operations/" + queued).json().path("status").asText()).isEqualTo("notStarted");
        OpsServer.Reply cancel = server.delete("/operations/" + queued);
        assertThat(cancel.status()).isEqualTo(202);
        assertThat(cancel.json().path("status").asText()).isEqualTo("canceled");
        assertThat(server.get("/operations/" + queued).json().path("attempts").asInt()).isZero();
        assertThat(server.operations.stats().queued()).isZero();
    }

    @Test
    void cancellingAFinishedOperationIs409() {
        String id = server.post("/operations/quick", "").json().path("id").asText();
        server.awaitTerminal(id, Duration.ofSeconds(10));
        OpsServer.Reply r = server.delete("/operations/" + id);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("detail").asText()).contains("succeeded");
        assertThat(server.get("/operations/" + id).json().path("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void aTypeTimeoutFiresTheTokenAndFailsTheOperationWith504() {
        String id = server.post("/operations/slow", "").json().path("id").asText();
        JsonNode done = server.awaitTerminal(id, Duration.ofSeconds(10));
        assertThat(done.path("status").asText()).isEqualTo("failed");
        assertThat(done.path("error").path("status").asInt()).isEqualTo(504);
        assertThat(done.path("error").path("detail").asText()).contains("300 ms");
    }
}
