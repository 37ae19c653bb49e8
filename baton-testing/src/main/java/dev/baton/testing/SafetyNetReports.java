package dev.baton.testing;

import dev.baton.Server;
import dev.baton.ServerStats;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * What a server's safety nets reported since a starting point: the counters of
 * {@link ServerStats#safetyNets()} less their values at {@link #of(Server)}. A server that ran
 * earlier tests keeps its counts; this sees only what came after.
 *
 * <pre>{@code
 * SafetyNetReports reports = SafetyNetReports.of(server);
 * client.send(client.get("/gizmos/7"));
 * reports.assertNone();                                    // or, for a report that must come:
 * reports.awaitAtLeast(Kind.BLOCKED_EVENT_LOOP, 1, Duration.ofSeconds(5));
 * }</pre>
 *
 * Each report is also logged at WARN, once per route, by {@code dev.baton.internal.netty.SafetyNets},
 * with the route and how to fix it. Some are counted after the response goes out (a blocked event
 * loop is seen by a watchdog, pinning by JFR): await those rather than assert them at once.
 */
public final class SafetyNetReports {
    private final Server server;
    private final ServerStats.SafetyNets baseline;

    private SafetyNetReports(Server server, ServerStats.SafetyNets baseline) {
        this.server = server;
        this.baseline = baseline;
    }

    /** The reports of {@code server} from now on. */
    public static SafetyNetReports of(Server server) {
        Objects.requireNonNull(server, "server");
        return new SafetyNetReports(server, server.stats().safetyNets());
    }

    /** The safety nets, each with its counter in {@link ServerStats.SafetyNets}. */
    public enum Kind {
        /** A response completed while async work it started was still pending (that work was cancelled). */
        PENDING_AT_COMPLETION("pendingAtCompletion", ServerStats.SafetyNets::pendingAtCompletion),
        /** A sync handler returned while async work it started was pending (that work was cancelled). */
        ASYNC_IN_SYNC_STAGE("asyncInSyncStage", ServerStats.SafetyNets::asyncInSyncStage),
        /** An event loop was held past {@code blockedThreadThreshold}. */
        BLOCKED_EVENT_LOOP("blockedEventLoop", ServerStats.SafetyNets::blockedEventLoop),
        /** An async handler held its thread past {@code fakeAsyncThreshold} before returning its stage. */
        FAKE_ASYNC("fakeAsync", ServerStats.SafetyNets::fakeAsync),
        /** A virtual thread blocked while pinned to its carrier, on a {@code VIRTUAL} route. */
        VIRTUAL_THREAD_PINNED("virtualThreadPinned", ServerStats.SafetyNets::virtualThreadPinned);

        private final String counter;
        private final ToLongFunction<ServerStats.SafetyNets> read;

        Kind(String counter, ToLongFunction<ServerStats.SafetyNets> read) {
            this.counter = counter;
            this.read = read;
        }

        /** The counter's name in {@link ServerStats.SafetyNets}. */
        public String counter() {
            return counter;
        }

        /** This safety net's count in {@code nets}. */
        public long count(ServerStats.SafetyNets nets) {
            return read.applyAsLong(nets);
        }
    }

    /** The server these reports are of. */
    public Server server() {
        return server;
    }

    /** The reports of {@code kind} since the starting point. */
    public long count(Kind kind) {
        return kind.count(server.stats().safetyNets()) - kind.count(baseline);
    }

    /** Every safety net's count since the starting point, in {@link Kind} order. */
    public Map<Kind, Long> counts() {
        ServerStats.SafetyNets now = server.stats().safetyNets();
        Map<Kind, Long> counts = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            counts.put(k, k.count(now) - k.count(baseline));
        }
        return counts;
    }

    /** The total of every safety net's reports since the starting point. */
    public long total() {
        return counts().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Fails if any safety net reported since the starting point.
     *
     * @throws AssertionError naming each one that did, and how often: {@code "the safety nets reported: fakeAsync 2, ..."}
     */
    public SafetyNetReports assertNone() {
        List<String> reported = new ArrayList<>();
        counts().forEach((k, n) -> {
            if (n != 0) {
                reported.add(k.counter() + " " + n);
            }
        });
        if (!reported.isEmpty()) {
            throw new AssertionError("the safety nets reported: " + String.join(", ", reported)
                    + " (each is logged at WARN by dev.baton.internal.netty.SafetyNets, with its route and how to fix it)");
        }
        return this;
    }

    /**
     * Fails unless {@code kind} reported exactly {@code expected} times and no other safety net reported.
     *
     * @throws AssertionError with every count that differs
     */
    public SafetyNetReports assertOnly(Kind kind, long expected) {
        Map<Kind, Long> counts = counts();
        List<String> wrong = new ArrayList<>();
        counts.forEach((k, n) -> {
            long want = k == kind ? expected : 0;
            if (n != want) {
                wrong.add(k.counter() + " " + n + " (expected " + want + ")");
            }
        });
        if (!wrong.isEmpty()) {
            throw new AssertionError("the safety nets reported: " + String.join(", ", wrong));
        }
        return this;
    }

    /**
     * Waits until {@code kind} reported at least {@code atLeast} times, and returns its count then:
     * for the safety nets that report after the response (blocked loop, pinning).
     *
     * @throws AssertionError if it has not within {@code within}
     */
    public long awaitAtLeast(Kind kind, long atLeast, Duration within) {
        return Await.until(kind.counter() + " reported at least " + atLeast + " time(s)", within,
                () -> count(kind), n -> n >= atLeast);
    }

    @Override
    public String toString() {
        return "SafetyNetReports" + counts();
    }
}
