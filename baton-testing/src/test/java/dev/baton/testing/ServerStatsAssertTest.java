package dev.baton.testing;

import static dev.baton.testing.ServerStatsAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import dev.baton.ServerStats;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServerStatsAssertTest {
    @RegisterExtension
    static final BatonExtension app = BatonExtension.of(() -> Server.builder().routing(r -> r.get("/gizmos/{id}", ctx -> "gizmo")))
            .restartEachTest();

    static ServerStats stats(long completed, long inFlight, ServerStats.SafetyNets nets) {
        return new ServerStats(inFlight, 0, completed, 0, 0, 0, 0, 0, 0, 4, 1, nets,
                Map.of("GET /gizmos/{id}", new ServerStats.RouteStats(completed, 0, 1, 1, 1, 1, 0.1)));
    }

    @Test
    void aLiveServersCountsAfterItsRequests(TestClient client, Server server) {
        for (int i = 0; i < 3; i++) {
            client.send(client.get("/gizmos/" + i));
        }
        Await.untilAsserted(Duration.ofSeconds(5), () -> assertThat(server)
                .hasCompleted(3).hasRejected(0).hasTimedOut(0).hasLateCompletions(0).hasClientDisconnects(0)
                .hasInFlight(0).hasQueued(0).isIdle()
                .hasRouteCount("GET /gizmos/{id}", 3)
                .hasNoSafetyNetReports());
    }

    @Test
    void failuresNameTheCounter() {
        ServerStats busy = stats(2, 1, new ServerStats.SafetyNets(0, 0, 0, 1, 0));
        assertThatThrownBy(() -> assertThat(busy).hasCompleted(3))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("expected completed to be 3, but was 2 in ServerStats[");
        assertThatThrownBy(() -> assertThat(busy).isIdle())
                .hasMessage("expected an idle server, but it had inFlight 1, queued 0, workersBusy 0");
        assertThatThrownBy(() -> assertThat(busy).hasNoSafetyNetReports())
                .hasMessage("expected no safety-net reports, but: fakeAsync 1");
        assertThatThrownBy(() -> assertThat(busy).hasRouteCount("GET /gizmos/{id}", 3))
                .hasMessage("expected route <GET /gizmos/{id}> to have answered 3 request(s), but it answered 2");
        assertThatThrownBy(() -> assertThat(busy).hasRouteCount("GET /nowhere", 1))
                .hasMessage("expected route <GET /nowhere> to have answered 1 request(s), but it has no stats; "
                        + "routes with stats: [GET /gizmos/{id}]");
        assertThatThrownBy(() -> assertThat((ServerStats) null).hasCompleted(0)).isInstanceOf(AssertionError.class);
    }
}
