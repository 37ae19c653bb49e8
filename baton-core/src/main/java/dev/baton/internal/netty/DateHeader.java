package dev.baton.internal.netty;

import io.netty.util.AsciiString;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The Date header value, formatted at most once per second. */
final class DateHeader {
    private static volatile long second = -1;
    private static volatile AsciiString value;

    private DateHeader() {
    }

    static AsciiString now() {
        long nowSecond = System.currentTimeMillis() / 1000;
        AsciiString v = value;
        if (nowSecond != second || v == null) {
            v = AsciiString.cached(DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(nowSecond), ZoneOffset.UTC)));
            value = v;
            second = nowSecond;
        }
        return v;
    }
}
