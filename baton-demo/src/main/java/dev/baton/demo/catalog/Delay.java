package dev.baton.demo.catalog;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long the backend takes to answer: a fixed time ({@code 500}) or a random time drawn
 * uniformly from a range ({@code 200-800}), in milliseconds.
 *
 * <pre>{@code Delay.parse("200-800").pick()  // 200..800}</pre>
 */
public record Delay(long minMillis, long maxMillis) {
    /** The longest delay a caller may ask for: well inside the front's 30 s request timeout. */
    public static final long MAX_MILLIS = 20_000;

    /** How {@link #parse} describes what it accepts, in a 400's detail. */
    public static final String EXPECTED = "milliseconds from 0 to " + MAX_MILLIS + ", or a range such as 200-800";

    public Delay {
        if (minMillis < 0 || maxMillis > MAX_MILLIS || minMillis > maxMillis) {
            throw new IllegalArgumentException("a delay is " + EXPECTED + ", got " + minMillis + "-" + maxMillis);
        }
    }

    public static Delay of(Duration fixed) {
        return new Delay(fixed.toMillis(), fixed.toMillis());
    }

    /** {@code "500"} or {@code "200-800"}; anything else is an {@link IllegalArgumentException}. */
    public static Delay parse(String text) {
        int dash = text.indexOf('-', 1);
        if (dash < 0) {
            long ms = Long.parseLong(text.strip());
            return new Delay(ms, ms);
        }
        return new Delay(Long.parseLong(text.substring(0, dash).strip()), Long.parseLong(text.substring(dash + 1).strip()));
    }

    /** A delay for one call: the fixed one, or a uniform draw from the range. */
    public long pick() {
        return minMillis == maxMillis ? minMillis : ThreadLocalRandom.current().nextLong(minMillis, maxMillis + 1);
    }

    @Override
    public String toString() {
        return minMillis == maxMillis ? Long.toString(minMillis) : minMillis + "-" + maxMillis;
    }
}
