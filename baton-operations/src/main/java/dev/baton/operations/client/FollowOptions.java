package dev.baton.operations.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How an {@link OperationsClient} follows operations; set through its builder.
 *
 * @param headers           sent with every request to the base URL's origin (owner, authorization)
 * @param pollInterval      the wait between two polls when the service gives no {@code Retry-After}
 * @param minPollInterval   the shortest wait between two polls, whatever {@code Retry-After} says
 * @param maxPollInterval   the longest wait between two polls or reconnects, whatever {@code Retry-After} says
 * @param reconnectAttempts consecutive failed event-stream connections (or polls) tolerated before giving up on them
 * @param reconnectDelay    the first backoff before a reconnect, unless the stream's {@code retry} field set one
 * @param streamTimeout     an event stream is renewed after this long, so that a silent dead connection is noticed
 * @param events            false to poll only, never asking for the event stream
 */
record FollowOptions(List<Map.Entry<String, String>> headers, Duration pollInterval, Duration minPollInterval,
                     Duration maxPollInterval, int reconnectAttempts, Duration reconnectDelay, Duration streamTimeout,
                     boolean events) {

    FollowOptions {
        headers = List.copyOf(headers);
        if (minPollInterval.isNegative() || maxPollInterval.compareTo(minPollInterval) < 0) {
            throw new IllegalArgumentException("poll intervals need 0 <= min <= max, got " + minPollInterval + " and "
                    + maxPollInterval);
        }
        if (pollInterval.isNegative() || reconnectDelay.isNegative() || reconnectAttempts < 0) {
            throw new IllegalArgumentException("pollInterval, reconnectDelay and reconnectAttempts must be >= 0");
        }
        if (streamTimeout.isNegative() || streamTimeout.isZero()) {
            throw new IllegalArgumentException("streamTimeout must be > 0: a stream that never ends hides a dead connection");
        }
    }

    /** {@code d} within the poll bounds. */
    Duration clamp(Duration d) {
        return d.compareTo(minPollInterval) < 0 ? minPollInterval : d.compareTo(maxPollInterval) > 0 ? maxPollInterval : d;
    }

    /** Exponential backoff from {@code base} for the {@code n}th consecutive failure (1 first), capped, with half jitter. */
    Duration backoff(Duration base, int n) {
        long cap = maxPollInterval.toNanos();
        long nanos = Math.min(base.toNanos(), cap);
        for (int i = 1; i < n && nanos < cap; i++) {
            nanos = nanos > cap / 2 ? cap : nanos * 2;
        }
        // at least half of it: clients cut together must not all come back at once, nor at once at all
        return Duration.ofNanos(nanos / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(nanos / 2 + 1));
    }
}
