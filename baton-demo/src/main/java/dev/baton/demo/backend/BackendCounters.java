package dev.baton.demo.backend;

import dev.baton.context.CancellationReason;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the backend saw, per resource: every call ends exactly once, as completed, failed (an
 * injected failure) or cancelled (its token fired while its timer was still pending: the caller
 * hung up or its deadline passed), so {@code inFlight = calls - completed - failed - cancelled}.
 */
public final class BackendCounters {

    /** The numbers of one resource, or of all of them. */
    public record Counts(long calls, long inFlight, long completed, long failed, long cancelled) {
    }

    /**
     * The body of {@code GET /api/stats}.
     *
     * @param cancelledBy why the cancelled calls were cancelled (CLIENT_DISCONNECT when a caller aborts)
     * @param defaults    the delay and fail rate of a call that asks for none
     */
    public record Snapshot(long calls, long inFlight, long completed, long failed, long cancelled,
                           Map<CancellationReason, Long> cancelledBy, Map<String, Counts> resources,
                           Map<String, Object> defaults) {
    }

    private static final class Resource {
        final LongAdder calls = new LongAdder();
        final LongAdder completed = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder cancelled = new LongAdder();

        Counts counts() {
            // read the endings first: a call that ends meanwhile is then still counted in flight, never negative
            long done = completed.sum();
            long bad = failed.sum();
            long gone = cancelled.sum();
            long all = calls.sum();
            return new Counts(all, Math.max(0, all - done - bad - gone), done, bad, gone);
        }
    }

    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final Map<CancellationReason, LongAdder> reasons = new EnumMap<>(CancellationReason.class);

    BackendCounters(List<String> names) {
        names.forEach(n -> resources.put(n, new Resource()));
        for (CancellationReason r : CancellationReason.values()) {
            reasons.put(r, new LongAdder());
        }
    }

    void started(String resource) {
        resources.get(resource).calls.increment();
    }

    void completed(String resource) {
        resources.get(resource).completed.increment();
    }

    void failed(String resource) {
        resources.get(resource).failed.increment();
    }

    void cancelled(String resource, CancellationReason reason) {
        reasons.get(reason).increment();
        resources.get(resource).cancelled.increment();
    }

    Snapshot snapshot(Map<String, Object> defaults) {
        Map<String, Counts> each = new LinkedHashMap<>();
        long calls = 0;
        long inFlight = 0;
        long completed = 0;
        long failed = 0;
        long cancelled = 0;
        for (var e : resources.entrySet()) {
            Counts c = e.getValue().counts();
            each.put(e.getKey(), c);
            calls += c.calls();
            inFlight += c.inFlight();
            completed += c.completed();
            failed += c.failed();
            cancelled += c.cancelled();
        }
        Map<CancellationReason, Long> why = new EnumMap<>(CancellationReason.class);
        reasons.forEach((r, n) -> why.put(r, n.sum()));
        return new Snapshot(calls, inFlight, completed, failed, cancelled, why, each, defaults);
    }
}
