package dev.baton.staticfiles.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpDatesTest {
    /** RFC 9110 5.6.7's example instant, 1994-11-06T08:49:37Z. */
    private static final long EXAMPLE = 784111777L;

    @Test
    void theThreeFormsOfRfc9110AreReadAndTheFixdateIsWritten() {
        assertThat(HttpDates.format(EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(EXAMPLE);
        assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(EXAMPLE);
        assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(EXAMPLE);
    }

    @Test
    void anythingElseIsNotADate() {
        for (String bad : new String[] {"", "yesterday", "2026-12-07T01:00:00Z", "Sun, 06 Nov 1994 08:49:37 CET", "Sun, 6 Nov 1994"}) {
            assertThat(HttpDates.parse(bad)).as(bad).isEqualTo(-1);
        }
    }
}
