package dev.baton.client.internal;

import dev.baton.client.ClientStats;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long calls waited for a connection to one host because every connection was busy: how
 * many waited, for how long in all, the longest wait, and a 99th percentile read from
 * power-of-two buckets (so within a factor of two, and never above the longest). Since the
 * client started; lock-free, as waits end on any thread.
 */
final class WaitTimes {
    /** Bucket i holds waits up to 2^i microseconds; the last one, anything longer (about six days). */
    static final int BUCKETS = 40;

    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    private final LongAdder count = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final AtomicLong maxNanos = new AtomicLong();

    /** The bucket of a wait of {@code nanos}. */
    static int bucket(long nanos) {
        long micros = (Math.max(0, nanos) + 999) / 1000;
        return micros <= 1 ? 0 : Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(micros - 1));
    }

    /**
     * The wait of the {@code rank}-th smallest of the waits in {@code buckets} (1-based): its
     * bucket's upper bound, never above {@code max}; 0 for a rank of 0 or less.
     */
    static long rankNanos(AtomicLongArray buckets, long rank, long max) {
        if (rank <= 0) {
            return 0;
        }
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += buckets.get(i);
            if (seen >= rank) {
                return Math.min(max, (1L << i) * 1000);
            }
        }
        return max;
    }

    void record(long nanos) {
        long n = Math.max(0, nanos);
        buckets.incrementAndGet(bucket(n));
        count.increment();
        totalNanos.add(n);
        maxNanos.accumulateAndGet(n, Math::max);
    }

    ClientStats.ConnectionWaits snapshot() {
        long all = 0;
        for (int i = 0; i < BUCKETS; i++) {
            all += buckets.get(i);
        }
        long max = maxNanos.get();
        long p99 = rankNanos(buckets, (long) Math.ceil(all * 0.99), max);
        return new ClientStats.ConnectionWaits(count.sum(), Duration.ofNanos(totalNanos.sum()), Duration.ofNanos(max),
                Duration.ofNanos(p99));
    }
}
