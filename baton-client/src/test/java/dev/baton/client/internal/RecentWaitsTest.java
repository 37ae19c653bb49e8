package dev.baton.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecentWaitsTest {
    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long THRESHOLD = 100 * MS;

    @Test
    void theNinetyNinthPercentileOfAllCallsIsPastTheThresholdOnlyWhenMoreThanOneInAHundredWaitedPastIt() {
        RecentWaits recent = new RecentWaits(THRESHOLD, 0);
        for (int i = 0; i < 990; i++) {
            recent.servedAtOnce(1);
        }
        for (int i = 0; i < 10; i++) {
            recent.waited(400 * MS, 2);
        }
        RecentWaits.Window tenInAThousand = recent.window(3);
        assertThat(tenInAThousand.calls()).isEqualTo(1000);
        assertThat(tenInAThousand.overThreshold()).isEqualTo(10);
        assertThat(tenInAThousand.p99OverThreshold()).isFalse();
        assertThat(tenInAThousand.p99Nanos()).isZero();

        recent.waited(400 * MS, 4);
        RecentWaits.Window elevenInAThousandAndOne = recent.window(5);
        assertThat(elevenInAThousandAndOne.p99OverThreshold()).isTrue();
        // 400 ms falls in the bucket up to 2^19 microseconds, and no wait was longer than 400 ms
        assertThat(elevenInAThousandAndOne.p99Nanos()).isEqualTo(400 * MS);
        assertThat(elevenInAThousandAndOne.maxNanos()).isEqualTo(400 * MS);
    }

    @Test
    void shortWaitsCountAsCallsButNotPastTheThreshold() {
        RecentWaits recent = new RecentWaits(THRESHOLD, 0);
        for (int i = 0; i < 50; i++) {
            recent.waited(30 * MS, 1);
        }
        RecentWaits.Window w = recent.window(2);
        assertThat(w.waited()).isEqualTo(50);
        assertThat(w.overThreshold()).isZero();
        assertThat(w.p99OverThreshold()).isFalse();
        assertThat(w.p99Nanos()).isBetween(30 * MS, 60 * MS);
    }

    @Test
    void theWindowForgetsWaitsOlderThanTwoSlices() {
        long slice = RecentWaits.SLICE_NANOS;
        RecentWaits recent = new RecentWaits(THRESHOLD, 0);
        recent.waited(500 * MS, 1);
        recent.waited(200 * MS, slice + 1); // the next slice: both are in the window

        assertThat(recent.window(slice + 2).overThreshold()).isEqualTo(2);
        assertThat(recent.window(slice + 2).maxNanos()).isEqualTo(500 * MS);
        assertThat(recent.sliceStart(slice + 2)).isEqualTo(slice + 1);
        // two slices on, the first wait is gone; three on, both are
        assertThat(recent.window(2 * slice + 2).overThreshold()).isEqualTo(1);
        assertThat(recent.window(2 * slice + 2).maxNanos()).isEqualTo(200 * MS);
        assertThat(recent.window(5 * slice).calls()).isZero();
    }

    @Test
    void theReportSaysWhichHostWhatItsCallsWaitedAndWhatToDo() {
        String m = PoolSafetyNet.message("inventory:8080", 24,
                new RecentWaits.Window(200, 60, 37, 480 * MS, 612 * MS), THRESHOLD);

        assertThat(m).startsWith("calls to inventory:8080 waited p99 480 ms for a connection (limit 24 per host, all busy;"
                        + " longest wait 612 ms; 37 of 200 calls in the last 10 s waited longer than connectionWaitThreshold, 100 ms)")
                .contains("perHost(\"inventory:8080\", n)", "client.perHost.inventory:8080", "BATON_CLIENT_PER_HOST=inventory:8080=n",
                        "the limit protects it", "At most 24 calls to inventory:8080 run at once");
    }
}
