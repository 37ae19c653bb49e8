package dev.baton.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.client.ClientStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaitTimesTest {

    @Test
    void theNinetyNinthPercentileIgnoresTheOneLongWaitInAHundred() {
        WaitTimes waits = new WaitTimes();
        for (int i = 0; i < 99; i++) {
            waits.record(Duration.ofMillis(1).toNanos());
        }
        waits.record(Duration.ofSeconds(1).toNanos());

        ClientStats.ConnectionWaits s = waits.snapshot();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.total()).isEqualTo(Duration.ofMillis(1099));
        assertThat(s.max()).isEqualTo(Duration.ofSeconds(1));
        // 1 ms falls in the bucket up to 1024 microseconds: within a factor of two
        assertThat(s.p99()).isEqualTo(Duration.ofNanos(1_024_000));
    }

    @Test
    void thePercentileIsNeverAboveTheLongestWait() {
        WaitTimes waits = new WaitTimes();
        waits.record(Duration.ofMillis(150).toNanos());
        assertThat(waits.snapshot().p99()).isEqualTo(Duration.ofMillis(150));
        assertThat(new WaitTimes().snapshot()).isEqualTo(new ClientStats.ConnectionWaits(0, Duration.ZERO, Duration.ZERO, Duration.ZERO));
    }
}
