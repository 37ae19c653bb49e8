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
    private static final int BUCKETS = 40;

    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    private final LongAdder count = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final AtomicLong maxNanos = new AtomicLong();

    void record(long nanos) {
        long n = Math.max(0, nanos);
        long micros = (n + 999) / 1000;
        int bucket = micros <= 1 ? 0 : Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(micros - 1));
        buckets.incrementAndGet(bucket);
        count.increment();
        totalNanos.add(n);
        maxNanos.accumulateAndGet(n, Math::max);
    }

    ClientStats.ConnectionWaits snapshot() {
        long[] counts = new long[BUCKETS];
        long all = 0;
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = buckets.get(i);
            all += counts[i];
        }
        long max = maxNanos.get();
        long p99 = 0;
        if (all > 0) {
            long rank = (long) Math.ceil(all * 0.99);
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    p99 = Math.min(max, (1L << i) * 1000);
                    break;
                }
            }
        }
        return new ClientStats.ConnectionWaits(count.sum(), Duration.ofNanos(totalNanos.sum()), Duration.ofNanos(max),
                Duration.ofNanos(p99));
    }
}
