package dev.baton.micrometer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedSnapshotTest {

    @Test
    void everyReadWithinTheAgeSharesOneSnapshot() {
        AtomicInteger taken = new AtomicInteger();
        CachedSnapshot<Integer> snapshot = new CachedSnapshot<>(taken::incrementAndGet, Duration.ofMinutes(1));
        for (int i = 0; i < 50; i++) {
            assertThat(snapshot.get()).isEqualTo(1);
        }
        assertThat(taken).hasValue(1);
    }

    @Test
    void aSnapshotOlderThanTheAgeIsTakenAgain() throws Exception {
        AtomicInteger taken = new AtomicInteger();
        CachedSnapshot<Integer> snapshot = new CachedSnapshot<>(taken::incrementAndGet, Duration.ofMillis(20));
        assertThat(snapshot.get()).isEqualTo(1);
        Thread.sleep(40);
        assertThat(snapshot.get()).isEqualTo(2);
    }
}
