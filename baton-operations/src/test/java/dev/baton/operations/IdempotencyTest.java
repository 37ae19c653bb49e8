package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.operations.support.Gates;
import dev.baton.operations.support.OpsServer;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdempotencyTest {
    record Job(String name, int size) { }

    private final Gates gates = new Gates();
    private final AtomicInteger runs = new AtomicInteger();
    private OpsServer server;

    @BeforeEach
    void start() {
        server = OpsServer.start(Operations.builder()
                .type(OperationType.of("job", Job.class, (in, op) -> {
                    runs.incrementAndGet();
                    gates.await("finish");
                    return in.size();
                }))
                .type(OperationType.of("other", Job.class, (in, op) -> in.size()))
                .config(c -> c.owner(ctx -> ctx.request().headers().first("X-User").orElse(null)).cancelGrace(Duration.ofMillis(200)))
                .build());
    }

    @AfterEach
    void stop() {
        gates.open("finish");
        server.close();
    }

    @Test
    void theSameKeyAndBodyGiveTheSameOperationAndOneRun() {
        OpsServer.Reply first = server.post("/operations/job", "{\"name\":\"a\",\"size\":1}", "Idempotency-Key", "k-1");
        // the same JSON with its members in another order and other spacing is the same request
        OpsServer.Reply again = server.post("/operations/job", "{ \"size\": 1, \"name\": \"a\" }", "Idempotency-Key", "\"k-1\"");
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        gates.open("finish");
        server.awaitTerminal(first.json().path("id").asText(), Duration.ofSeconds(10));
        assertThat(runs.get()).isEqualTo(1);
        assertThat(server.operations.stats().created()).isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherBodyOrTypeIs422() {
        server.post("/operations/job", "{\"name\":\"a\",\"size\":1}", "Idempotency-Key", "k-2");
        OpsServer.Reply other = server.post("/operations/job", "{\"name\":\"a\",\"size\":2}", "Idempotency-Key", "k-2");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.header("Content-Type")).startsWith("application/problem+json");
        assertThat(server.post("/operations/other", "{\"name\":\"a\",\"size\":1}", "Idempotency-Key", "k-2").status()).isEqualTo(422);
    }

    @Test
    void keysAreScopedPerOwner() {
        OpsServer.Reply alice = server.post("/operations/job", "{\"name\":\"a\",\"size\":1}", "Idempotency-Key", "k-3", "X-User", "alice");
        OpsServer.Reply bob = server.post("/operations/job", "{\"name\":\"a\",\"size\":1}", "Idempotency-Key", "k-3", "X-User", "bob");
        assertThat(bob.status()).isEqualTo(202);
        assertThat(bob.json().path("id").asText()).isNotEqualTo(alice.json().path("id").asText());
        assertThat(bob.header("Idempotent-Replayed")).isNull();
    }

    @Test
    void fiftyConcurrentPostsWithOneKeyMakeExactlyOneOperationThatRunsOnce() throws Exception {
        List<CompletableFuture<OpsServer.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            replies.add(server.sendAsync(OpsServer.with(server.request("/operations/job"), "Idempotency-Key", "k-50",
                    "Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"c\",\"size\":5}")).build()));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        Set<Integer> statuses = replies.stream().map(f -> f.join().status()).collect(Collectors.toSet());
        assertThat(statuses).isSubsetOf(202, 409);
        Set<String> ids = replies.stream().map(CompletableFuture::join).filter(r -> r.status() == 202)
                .map(r -> r.json().path("id").asText()).collect(Collectors.toSet());
        assertThat(ids).hasSize(1);
        gates.open("finish");
        server.awaitTerminal(ids.iterator().next(), Duration.ofSeconds(10));
        assertThat(runs.get()).isEqualTo(1);
        assertThat(server.operations.stats().created()).isEqualTo(1);
        assertThat(server.get("/operations").json().path("value")).hasSize(1);
    }

    @Test
    void aMalformedKeyIs400() {
        assertThat(server.post("/operations/job", "{\"name\":\"a\",\"size\":1}", "Idempotency-Key", "\"\"").status()).isEqualTo(400);
        assertThat(server.post("/operations/job", "{\"name\":\"a\",\"size\":1}", "Idempotency-Key", "k".repeat(256)).status()).isEqualTo(400);
        assertThat(server.post("/operations/job", "{\"name\":\"a\",\"size\":1}", "Idempotency-Key", "a b").status()).isEqualTo(400);
        assertThat(runs.get()).isZero();
    }
}
