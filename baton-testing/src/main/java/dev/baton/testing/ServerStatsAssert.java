package dev.baton.testing;

import dev.baton.Server;
import dev.baton.ServerStats;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * AssertJ assertions on a {@link ServerStats} snapshot, with messages that name the counter
 * (AssertJ must be on the test classpath: this module depends on it optionally). The counts are
 * the server's since its start: with a server shared by a class's tests, compare with a snapshot
 * taken before, or restart it for each test. A request is counted just after its response goes
 * out: wrap assertions a client can race in {@link dev.baton.testing.await.Await#untilAsserted}.
 *
 * <pre>{@code
 * import static dev.baton.testing.ServerStatsAssert.assertThat;
 * Await.untilAsserted(Duration.ofSeconds(5), () -> assertThat(server).hasCompleted(3).isIdle().hasNoSafetyNetReports());
 * }</pre>
 */
public final class ServerStatsAssert extends AbstractObjectAssert<ServerStatsAssert, ServerStats> {

    private ServerStatsAssert(ServerStats actual) {
        super(actual, ServerStatsAssert.class);
    }

    public static ServerStatsAssert assertThat(ServerStats actual) {
        return new ServerStatsAssert(actual);
    }

    /** Assertions on a snapshot of {@code server}'s stats taken now. */
    public static ServerStatsAssert assertThat(Server server) {
        return new ServerStatsAssert(server.stats());
    }

    public ServerStatsAssert hasInFlight(long expected) {
        return counter("inFlight", stats().inFlight(), expected);
    }

    public ServerStatsAssert hasQueued(long expected) {
        return counter("queued", stats().queued(), expected);
    }

    public ServerStatsAssert hasCompleted(long expected) {
        return counter("completed", stats().completed(), expected);
    }

    public ServerStatsAssert hasRejected(long expected) {
        return counter("rejected", stats().rejected(), expected);
    }

    public ServerStatsAssert hasTimedOut(long expected) {
        return counter("timedOut", stats().timedOut(), expected);
    }

    public ServerStatsAssert hasLateCompletions(long expected) {
        return counter("lateCompletions", stats().lateCompletions(), expected);
    }

    public ServerStatsAssert hasClientDisconnects(long expected) {
        return counter("clientDisconnects", stats().clientDisconnects(), expected);
    }

    public ServerStatsAssert hasOpenConnections(long expected) {
        return counter("openConnections", stats().openConnections(), expected);
    }

    /** Nothing in flight, queued or on a worker: what a server that answered everything looks like. */
    public ServerStatsAssert isIdle() {
        isNotNull();
        if (actual.inFlight() != 0 || actual.queued() != 0 || actual.workersBusy() != 0) {
            failWithMessage("expected an idle server, but it had inFlight %d, queued %d, workersBusy %d",
                    actual.inFlight(), actual.queued(), actual.workersBusy());
        }
        return this;
    }

    /** Every safety-net counter is 0 (for counts since a starting point, see {@link SafetyNetReports}). */
    public ServerStatsAssert hasNoSafetyNetReports() {
        isNotNull();
        List<String> reported = new ArrayList<>();
        for (SafetyNetReports.Kind k : SafetyNetReports.Kind.values()) {
            long n = k.count(actual.safetyNets());
            if (n != 0) {
                reported.add(k.counter() + " " + n);
            }
        }
        if (!reported.isEmpty()) {
            failWithMessage("expected no safety-net reports, but: %s", String.join(", ", reported));
        }
        return this;
    }

    /** The number of requests {@code route} ({@code "GET /gizmos/{id}"}) answered. */
    public ServerStatsAssert hasRouteCount(String route, long expected) {
        isNotNull();
        ServerStats.RouteStats r = actual.routes().get(route);
        if (r == null) {
            failWithMessage("expected route <%s> to have answered %d request(s), but it has no stats; routes with stats: %s",
                    route, expected, actual.routes().keySet());
        } else if (r.count() != expected) {
            failWithMessage("expected route <%s> to have answered %d request(s), but it answered %d", route, expected, r.count());
        }
        return this;
    }

    private ServerStats stats() {
        isNotNull();
        return actual;
    }

    private ServerStatsAssert counter(String name, long value, long expected) {
        if (value != expected) {
            failWithMessage("expected %s to be %d, but was %d in %s", name, expected, value, actual);
        }
        return this;
    }
}
