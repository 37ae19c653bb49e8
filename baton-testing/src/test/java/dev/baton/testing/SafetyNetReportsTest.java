package dev.baton.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import dev.baton.testing.SafetyNetReports.Kind;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SafetyNetReportsTest {
    @RegisterExtension
    static final BatonExtension app = BatonExtension.of(() -> Server.builder().routing(r -> {
        r.get("/fine", ctx -> CompletableFuture.supplyAsync(() -> "fine"));
        r.get("/sync-leak", ctx -> {
            ctx.pendingWork().begin("fire and forget", () -> { });
            return "returned at once";
        });
    }));

    @Test
    void aCleanRequestReportsNothing(TestClient client, SafetyNetReports reports) {
        assertThat(client.send(client.get("/fine")).text()).isEqualTo("fine");
        assertThat(reports.assertNone().total()).isZero();
        assertThat(reports.counts()).containsOnlyKeys(Kind.values()).allSatisfy((k, n) -> assertThat(n).isZero());
    }

    @Test
    void aReportIsCountedFromTheStartingPointOnAndNamedInTheFailure(TestClient client, Server server) {
        SafetyNetReports reports = SafetyNetReports.of(server);
        assertThat(client.send(client.get("/sync-leak")).text()).isEqualTo("returned at once");
        assertThat(reports.awaitAtLeast(Kind.ASYNC_IN_SYNC_STAGE, 1, Duration.ofSeconds(5))).isEqualTo(1);
        assertThat(reports.count(Kind.ASYNC_IN_SYNC_STAGE)).isEqualTo(1);
        assertThat(reports.total()).isEqualTo(1);
        reports.assertOnly(Kind.ASYNC_IN_SYNC_STAGE, 1);
        assertThatThrownBy(reports::assertNone)
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("the safety nets reported: asyncInSyncStage 1 (each is logged at WARN");
        assertThatThrownBy(() -> reports.assertOnly(Kind.FAKE_ASYNC, 1))
                .hasMessage("the safety nets reported: asyncInSyncStage 1 (expected 0), fakeAsync 0 (expected 1)");
        // a later starting point no longer sees it
        SafetyNetReports.of(server).assertNone();
    }

    @Test
    void awaitingAReportThatNeverComesFailsWithWhatWasAwaited(SafetyNetReports reports) {
        assertThatThrownBy(() -> reports.awaitAtLeast(Kind.BLOCKED_EVENT_LOOP, 1, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("not true within 50 ms: blockedEventLoop reported at least 1 time(s); last value: 0");
    }

    @Test
    void eachKindReadsItsOwnCounter() {
        dev.baton.ServerStats.SafetyNets nets = new dev.baton.ServerStats.SafetyNets(1, 2, 3, 4, 5);
        assertThat(Kind.PENDING_AT_COMPLETION.count(nets)).isEqualTo(1);
        assertThat(Kind.ASYNC_IN_SYNC_STAGE.count(nets)).isEqualTo(2);
        assertThat(Kind.BLOCKED_EVENT_LOOP.count(nets)).isEqualTo(3);
        assertThat(Kind.FAKE_ASYNC.count(nets)).isEqualTo(4);
        assertThat(Kind.VIRTUAL_THREAD_PINNED.count(nets)).isEqualTo(5);
    }
}
