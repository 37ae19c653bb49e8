package dev.baton.internal.netty;

/**
 * The minimum data rate of one request body (R.U.D.Y., a body trickled to hold its connection):
 * past the grace period, the bytes received must average {@code minBytesPerSecond}. The clock
 * starts at the body's first read, not its head, so a client waiting for its 100 Continue is not
 * slow, and time the connection spent not reading is taken off. Event loop only.
 */
final class BodyRate {
    private final int minBytesPerSecond;
    private final long graceNanos;
    /** When the body's first read came (0 until then), and the bytes read for it since. */
    private long startNanos;
    private long bytes;

    BodyRate(int minBytesPerSecond, long graceNanos) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = graceNanos;
    }

    /** A new body begins (its head has just ended). */
    void reset() {
        startNanos = 0;
        bytes = 0;
    }

    /** The server starts waiting for the body at {@code nowNanos}, unless its clock runs already. */
    void start(long nowNanos) {
        if (startNanos == 0) {
            startNanos = nowNanos;
        }
    }

    /** Reading was off for {@code nanos} (too many pipelined requests): not the client's slowness. */
    void paused(long nanos) {
        if (startNanos != 0) {
            startNanos += nanos;
        }
    }

    /** Counts {@code arriving} bytes read at {@code nowNanos}; true if the body is now too slow. */
    boolean tooSlow(int arriving, long nowNanos) {
        if (minBytesPerSecond == 0) {
            return false;
        }
        if (startNanos == 0) {
            startNanos = nowNanos;
        }
        bytes += arriving;
        long elapsed = nowNanos - startNanos;
        return elapsed > graceNanos && bytes < minBytesPerSecond * (elapsed / 1e9);
    }

    int minBytesPerSecond() {
        return minBytesPerSecond;
    }
}
