package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.http.HttpException;
import dev.baton.operations.support.OpsServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OwnerScopingTest {
    private OpsServer server;

    @BeforeEach
    void start() {
        server = OpsServer.start(Operations.builder()
                .type(OperationType.of("wait", Void.class, (in, op) -> op.cancellation().whenCancelled().thenApply(w -> "x")))
                .config(c -> c.cancelGrace(Duration.ofMillis(200)).owner(ctx -> ctx.request().headers().first("X-User")
                        .orElseThrow(() -> new HttpException(401, "who are you? send X-User"))))
                .build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anotherOwnerGetsThe404OfAnIdThatDoesNotExistOnEveryEndpoint() {
        String id = server.post("/operations/wait", "", "X-User", "alice").json().path("id").asText();
        OpsServer.Reply absent = server.get("/operations/" + dev.baton.operations.internal.OperationIds.next(), "X-User", "bob");

        OpsServer.Reply get = server.get("/operations/" + id, "X-User", "bob");
        assertThat(get.status()).isEqualTo(404);
        assertThat(get.json().path("title")).isEqualTo(absent.json().path("title"));
        assertThat(get.body()).doesNotContain("alice");
        assertThat(server.get("/operations/" + id, "X-User", "bob", "Prefer", "wait=1").status()).isEqualTo(404);
        assertThat(server.get("/operations/" + id + "/events", "X-User", "bob").status()).isEqualTo(404);
        assertThat(server.delete("/operations/" + id, "X-User", "bob").status()).isEqualTo(404);
        assertThat(server.get("/operations", "X-User", "bob").json().path("value")).isEmpty();

        // and the owner still sees it, running, not cancelled by bob's DELETE
        assertThat(server.get("/operations/" + id, "X-User", "alice").json().path("status").asText()).isEqualTo("running");
        assertThat(server.get("/operations", "X-User", "alice").json().path("value")).hasSize(1);
        assertThat(server.delete("/operations/" + id, "X-User", "alice").status()).isEqualTo(202);
    }

    @Test
    void anOwnerResolverThatRefusesARequestAnswersItsOwnStatus() {
        assertThat(server.post("/operations/wait", "").status()).isEqualTo(401);
        assertThat(server.get("/operations").status()).isEqualTo(401);
        // refused first: it learns neither the types nor which ids are well formed
        OpsServer.Reply unknownType = server.post("/operations/nope", "");
        assertThat(unknownType.status()).isEqualTo(401);
        assertThat(unknownType.body()).doesNotContain("wait");
        assertThat(server.get("/operations/not-an-id").status()).isEqualTo(401);
        assertThat(server.get("/operations/not-an-id/events").status()).isEqualTo(401);
        assertThat(server.delete("/operations/not-an-id").status()).isEqualTo(401);
        assertThat(server.operations.stats().created()).isZero();
    }
}
