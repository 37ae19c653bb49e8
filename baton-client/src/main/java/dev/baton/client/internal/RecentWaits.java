package dev.baton.client.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The calls one host got a connection for in the last 5 to 10 seconds, and how long those
 * that found every connection busy waited: two slices of 5 s, the current one and the one
 * before, so that what a pool does now is not drowned by what it did since it started.
 * Lock-free but for the turn of a slice; a call that got a connection at once costs a counter.
 */
final class RecentWaits {
    static final long SLICE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** What the window holds: every call, those that waited, those that waited past the threshold. */
    record Window(long calls, long waited, long overThreshold, long p99Nanos, long maxNanos) {
        /** Whether the 99th percentile wait of all the calls (one served at once waited 0) is past the threshold. */
        boolean p99OverThreshold() {
            return overThreshold > calls - (long) Math.ceil(calls * 0.99);
        }
    }

    private static final class Slice {
        final long start;
        final LongAdder calls = new LongAdder();
        final LongAdder waited = new LongAdder();
        final LongAdder over = new LongAdder();
        final AtomicLongArray buckets = new AtomicLongArray(WaitTimes.BUCKETS);
        final AtomicLong max = new AtomicLong();

        Slice(long start) {
            this.start = start;
        }
    }

    private final long thresholdNanos;
    private volatile Slice current;
    private volatile Slice previous;

    RecentWaits(long thresholdNanos, long now) {
        this.thresholdNanos = thresholdNanos;
        this.current = new Slice(now);
    }

    /** A call got a connection at once. */
    void servedAtOnce(long now) {
        slice(now).calls.increment();
    }

    /** A call's wait for a connection ended after {@code nanos}, however it ended. */
    void waited(long nanos, long now) {
        Slice s = slice(now);
        s.calls.increment();
        s.waited.increment();
        if (nanos > thresholdNanos) {
            s.over.increment();
        }
        s.buckets.incrementAndGet(WaitTimes.bucket(nanos));
        s.max.accumulateAndGet(nanos, Math::max);
    }

    /** The start of the slice {@code now} falls in: a host is reported at most once per slice. */
    long sliceStart(long now) {
        return slice(now).start;
    }

    /** Waits past the threshold in the window: the cheap look before {@link #window}. */
    long overThreshold(long now) {
        Slice c = slice(now);
        Slice p = previous;
        return c.over.sum() + (p == null ? 0 : p.over.sum());
    }

    Window window(long now) {
        Slice c = slice(now);
        Slice p = previous;
        long calls = c.calls.sum() + (p == null ? 0 : p.calls.sum());
        long waited = c.waited.sum() + (p == null ? 0 : p.waited.sum());
        long over = c.over.sum() + (p == null ? 0 : p.over.sum());
        long max = Math.max(c.max.get(), p == null ? 0 : p.max.get());
        AtomicLongArray both = new AtomicLongArray(WaitTimes.BUCKETS);
        for (int i = 0; i < WaitTimes.BUCKETS; i++) {
            both.set(i, c.buckets.get(i) + (p == null ? 0 : p.buckets.get(i)));
        }
        // the calls served at once are the smallest waits (0): the percentile's rank among the waits is past them
        long rank = (long) Math.ceil(calls * 0.99) - (calls - waited);
        return new Window(calls, waited, over, WaitTimes.rankNanos(both, rank, max), max);
    }

    private Slice slice(long now) {
        Slice c = current;
        if (now - c.start < SLICE_NANOS) {
            return c;
        }
        synchronized (this) {
            c = current;
            if (now - c.start >= SLICE_NANOS) {
                // the slice just ended stays as the previous one; one older than that is forgotten
                previous = now - c.start < 2 * SLICE_NANOS ? c : null;
                c = new Slice(now);
                current = c;
            }
            return c;
        }
    }
}
