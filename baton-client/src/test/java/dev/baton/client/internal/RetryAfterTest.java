package dev.baton.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(RetryInterceptor.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        assertThat(RetryInterceptor.retryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(RetryInterceptor.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(RetryInterceptor.retryAfter("soon")).isNull();
    }

    @Test
    void theObsoleteHttpDateFormsAreAcceptedToo() {
        // RFC 9110 5.6.7: a recipient must read rfc850-date and asctime-date as well
        ZonedDateTime later = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30);
        String rfc850 = DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", java.util.Locale.US).format(later);
        String asctime = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.US).format(later);
        assertThat(RetryInterceptor.retryAfter(rfc850)).as(rfc850).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
        assertThat(RetryInterceptor.retryAfter(asctime)).as(asctime).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
        assertThat(RetryInterceptor.retryAfter("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(Duration.ZERO);
        assertThat(RetryInterceptor.retryAfter("Sun Nov  6 08:49:37 1994")).isEqualTo(Duration.ZERO);
    }
}
