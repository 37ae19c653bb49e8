package dev.baton.context;

import java.time.Duration;

/**
 * A point in time by which a request must be answered, on the monotonic clock.
 *
 * <pre>{@code Duration left = ctx.deadline().remaining();}</pre>
 */
public final class Deadline implements Comparable<Deadline> {
    /**
     * The request header that carries a caller's remaining time budget in milliseconds. The
     * Baton client sends it on outbound calls made inside a request; a Baton server honours
     * it, capped by its own route timeout (deadline propagation, as gRPC does).
     */
    public static final String HEADER = "Baton-Timeout";

    /** No deadline: {@link #remaining()} is effectively infinite. */
    public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    private final long nanoTime;

    private Deadline(long nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** A deadline {@code timeout} from now; {@code null} or non-positive means none. */
    public static Deadline after(Duration timeout) {
        if (timeout == null) {
            return NONE;
        }
        long nanos = timeout.toNanos();
        long now = System.nanoTime();
        return new Deadline(nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos);
    }

    public boolean isNone() {
        return nanoTime == Long.MAX_VALUE;
    }

    public boolean isExpired() {
        return !isNone() && System.nanoTime() - nanoTime >= 0;
    }

    /** Time left, never negative; {@link Duration#ofSeconds(long)} of {@code Long.MAX_VALUE} when none. */
    public Duration remaining() {
        if (isNone()) {
            return Duration.ofSeconds(Long.MAX_VALUE);
        }
        long left = nanoTime - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** The earlier of the two. */
    public Deadline min(Deadline other) {
        return compareTo(other) <= 0 ? this : other;
    }

    /** The earlier of this deadline and {@code timeout} from now. */
    public Deadline min(Duration timeout) {
        return min(after(timeout));
    }

    @Override
    public int compareTo(Deadline o) {
        if (isNone() || o.isNone()) {
            return Boolean.compare(isNone(), o.isNone());
        }
        return Long.signum(nanoTime - o.nanoTime);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Deadline d && d.nanoTime == nanoTime;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(nanoTime);
    }

    @Override
    public String toString() {
        return isNone() ? "Deadline[none]" : "Deadline[in " + remaining().toMillis() + " ms]";
    }
}
