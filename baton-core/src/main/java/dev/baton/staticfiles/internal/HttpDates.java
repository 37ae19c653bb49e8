package dev.baton.staticfiles.internal;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 5.6.7): IMF-fixdate out; in, the IMF-fixdate and the two obsolete forms a
 * recipient must still accept (RFC 850 with a two-digit year, and asctime).
 */
public final class HttpDates {
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);
    private static final List<DateTimeFormatter> OBSOLETE = List.of(
            new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.ENGLISH),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH));

    private HttpDates() {
    }

    /** Epoch seconds as an IMF-fixdate. */
    public static String format(long epochSeconds) {
        return IMF_FIXDATE.format(LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC));
    }

    /** The epoch seconds of an HTTP date, or -1 when {@code text} is not one (the field is then ignored). */
    public static long parse(String text) {
        String t = text.strip();
        try {
            return LocalDateTime.parse(t, IMF_FIXDATE).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            for (DateTimeFormatter f : OBSOLETE) {
                try {
                    return LocalDateTime.parse(t, f).toEpochSecond(ZoneOffset.UTC);
                } catch (DateTimeParseException ignored) {
                    // try the next form
                }
            }
            return -1;
        }
    }
}
