package dev.baton.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void aDurationIsAWholeNumberWithAUnitZeroOrIso8601() {
        assertThat(Values.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Values.duration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Values.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Values.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Values.duration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Values.duration("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Values.duration(" 10S ")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Values.duration("0")).isZero();
        assertThat(Values.duration("PT0.5S")).isEqualTo(Duration.ofMillis(500));
        assertThat(Values.duration("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Values.duration("-1s")).isEqualTo(Duration.ofSeconds(-1)); // refused by the builder, naming its source
    }

    @Test
    void aBareNumberOrAnUnknownUnitIsNoDuration() {
        for (String bad : new String[] {"500", "1.5s", "10 sec", "5y", "PT", "", "ms"}) {
            assertThatThrownBy(() -> Values.duration(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a duration");
        }
    }

    @Test
    void numbersOutOfTheirTypeAreRefused() {
        assertThat(Values.convert("2147483647", int.class)).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> Values.convert("2147483648", int.class)).hasMessageContaining("is not a whole number");
        assertThat(Values.convert("2147483648", long.class)).isEqualTo(2_147_483_648L);
        assertThatThrownBy(() -> Values.convert("1e3", long.class)).hasMessageContaining("is not a whole number");
    }

    @Test
    void namesInEverySpellingMeetInOneCanonicalForm() {
        assertThat(Values.canonical("workerThreads")).isEqualTo(Values.canonical("WORKER_THREADS"))
                .isEqualTo(Values.canonical("worker-threads")).isEqualTo("workerthreads");
        assertThat(Values.upperSnake("maxConnectionsPerHost")).isEqualTo("MAX_CONNECTIONS_PER_HOST");
    }
}
