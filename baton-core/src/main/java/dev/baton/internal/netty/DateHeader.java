package dev.baton.internal.netty;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The Date header line, formatted at most once per second. */
final class DateHeader {
    /** One immutable pair, so that a reader never sees a second with another second's line. */
    private record Cached(long second, byte[] line) {
    }

    /** IMF-fixdate (RFC 9110 5.6.7): a two-digit day, unlike RFC_1123_DATE_TIME. */
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
    private static volatile Cached cached = new Cached(-1, null);

    private DateHeader() {
    }

    /** "date: Mon, 23 Nov 2026 18:00:00 GMT\r\n". */
    static byte[] line() {
        long nowSecond = System.currentTimeMillis() / 1000;
        Cached c = cached;
        if (c.second != nowSecond) {
            String value = IMF_FIXDATE.format(
                    ZonedDateTime.ofInstant(Instant.ofEpochSecond(nowSecond), ZoneOffset.UTC));
            c = new Cached(nowSecond, ("date: " + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
            cached = c;
        }
        return c.line;
    }
}
