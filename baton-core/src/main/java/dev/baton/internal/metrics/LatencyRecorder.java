package dev.baton.internal.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lock-free latency histogram: four buckets per power of two (at most 25 % wide) from 1 µs to
 * about 1 hour, enough for p50/p99 with a bounded relative error and a fixed footprint.
 */
public final class LatencyRecorder {
    private static final int SUB = 4;
    private static final int BUCKETS = 32 * SUB;

    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    private final LongAdder count = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder totalMicros = new LongAdder();
    private final java.util.concurrent.atomic.AtomicLong maxMicros = new java.util.concurrent.atomic.AtomicLong();

    public void record(long nanos, boolean error) {
        long micros = Math.max(1, nanos / 1000);
        buckets.incrementAndGet(bucket(micros));
        count.increment();
        totalMicros.add(micros);
        if (error) {
            errors.increment();
        }
        maxMicros.accumulateAndGet(micros, Math::max);
    }

    /** Four linear sub-buckets per power of two: two shifts and no logarithm per recording. */
    private static int bucket(long micros) {
        int e = 63 - Long.numberOfLeadingZeros(micros);
        if (e < 2) {
            return (int) micros; // 1..3 us
        }
        int sub = (int) (micros >>> (e - 2)) & 3;
        return Math.min(BUCKETS - 1, e * SUB + sub);
    }

    /** The upper bound of bucket {@code i}, in milliseconds. */
    private static double bucketMillis(int i) {
        if (i < SUB) {
            return i / 1000.0;
        }
        int e = i / SUB;
        int sub = i % SUB;
        return ((4L + sub + 1) << (e - 2)) / 1000.0;
    }

    public long count() {
        return count.sum();
    }

    public long errors() {
        return errors.sum();
    }

    public double meanMillis() {
        long n = count.sum();
        return n == 0 ? 0 : totalMicros.sum() / 1000.0 / n;
    }

    public double maxMillis() {
        return maxMicros.get() / 1000.0;
    }

    /** The value below which {@code q} (0..1) of the recordings fall, to bucket precision. */
    public double quantileMillis(double q) {
        long total = 0;
        long[] snapshot = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = buckets.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return Math.min(bucketMillis(i), maxMillis());
            }
        }
        return maxMillis();
    }
}
