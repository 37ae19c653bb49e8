package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.operations.support.MutableClock;
import dev.baton.operations.support.OpsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListAndRetentionTest {
    private final MutableClock clock = new MutableClock();
    private OpsServer server;

    @BeforeEach
    void start() {
        server = OpsServer.start(Operations.builder()
                .type(OperationType.of("quick", Integer.class, (n, op) -> n * 2))
                .type(OperationType.of("hang", Void.class, (in, op) -> op.cancellation().whenCancelled().thenApply(w -> "x")))
                .config(c -> c.clock(clock).retention(Duration.ofHours(1)).cancelGrace(Duration.ofMillis(200)))
                .build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aListIsNewestFirstInPagesThatFollowNextLinkToTheEnd() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(0, server.post("/operations/quick", Integer.toString(i)).json().path("id").asText());
            clock.advance(Duration.ofMillis(1));
        }
        List<String> listed = new ArrayList<>();
        String link = "/operations?pageSize=2";
        int pages = 0;
        while (link != null) {
            JsonNode page = server.get(link).json();
            page.path("value").forEach(op -> listed.add(op.path("id").asText()));
            link = page.has("nextLink") ? page.path("nextLink").asText() : null;
            pages++;
        }
        assertThat(listed).containsExactlyElementsOf(created);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void newestFirstIsCreationOrderEvenWhenTheClockDoesNotMove() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            created.add(0, server.post("/operations/quick", Integer.toString(i)).json().path("id").asText());
        }
        assertThat(ids(server.get("/operations?pageSize=100").json())).containsExactlyElementsOf(created);
    }

    @Test
    void aListFiltersByStatusAndType() {
        String done = server.post("/operations/quick", "1").json().path("id").asText();
        server.awaitTerminal(done, Duration.ofSeconds(10));
        String running = server.post("/operations/hang", "").json().path("id").asText();
        server.awaitStatus(running, "running");
        assertThat(ids(server.get("/operations?status=running").json())).containsExactly(running);
        assertThat(ids(server.get("/operations?status=succeeded,running").json())).containsExactlyInAnyOrder(done, running);
        assertThat(ids(server.get("/operations?type=quick").json())).containsExactly(done);
        assertThat(ids(server.get("/operations?type=none").json())).isEmpty();
        JsonNode filtered = server.get("/operations?status=succeeded&pageSize=1").json();
        assertThat(filtered.has("nextLink")).isFalse();
    }

    @Test
    void badListParametersAre400() {
        for (String q : new String[] {"pageSize=0", "pageSize=101", "pageSize=ten", "status=done", "pageToken=garbage", "type="}) {
            OpsServer.Reply r = server.get("/operations?" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.header("Content-Type")).as(q).startsWith("application/problem+json");
        }
    }

    @Test
    void aFinishedOperationIsForgottenAfterItsRetentionWhileARunningOneIsKept() {
        String done = server.post("/operations/quick", "2").json().path("id").asText();
        server.awaitTerminal(done, Duration.ofSeconds(10));
        String running = server.post("/operations/hang", "").json().path("id").asText();
        server.awaitStatus(running, "running");
        clock.advance(Duration.ofMinutes(59));
        assertThat(server.get("/operations/" + done).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(2));
        assertThat(server.get("/operations/" + done).status()).isEqualTo(404);
        assertThat(server.get("/operations/" + done + "/events").status()).isEqualTo(404);
        assertThat(ids(server.get("/operations").json())).containsExactly(running);
        assertThat(server.get("/operations/" + running).status()).isEqualTo(200);
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("value").forEach(op -> out.add(op.path("id").asText()));
        return out;
    }
}
