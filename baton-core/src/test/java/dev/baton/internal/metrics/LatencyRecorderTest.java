package dev.baton.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    @Test
    void quantilesAreWithinABucketOfTheTruth() {
        LatencyRecorder r = new LatencyRecorder();
        for (int ms = 1; ms <= 100; ms++) {
            r.record(ms * 1_000_000L, ms % 10 == 0);
        }
        assertThat(r.count()).isEqualTo(100);
        assertThat(r.errors()).isEqualTo(10);
        assertThat(r.meanMillis()).isCloseTo(50.5, within(0.01));
        assertThat(r.quantileMillis(0.5)).isBetween(50.0, 50 * 1.25);
        assertThat(r.quantileMillis(0.99)).isBetween(99.0, 100.0);
        assertThat(r.maxMillis()).isEqualTo(100.0);
    }

    @Test
    void tinyAndHugeValuesLandInTheEndBuckets() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(10, false); // below a microsecond
        r.record(3_600_000_000_000L * 10, false); // ten hours
        assertThat(r.quantileMillis(0.5)).isLessThan(0.01);
        assertThat(r.quantileMillis(1.0)).isGreaterThan(1_000_000.0);
    }
}
