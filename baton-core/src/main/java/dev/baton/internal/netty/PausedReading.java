package dev.baton.internal.netty;

import io.netty.channel.Channel;
import java.util.function.LongConsumer;

/**
 * A channel's reading turned off while a streamed request body's reader holds enough, and on
 * again when it asks for more; the time in between is the reader's, not the client's slowness.
 * For an HTTP/1.1 connection, whose unread bytes stay in the kernel and so hold the client back
 * (an HTTP/2 stream withholds its flow-control window instead: {@link Http2BodySource}). Event
 * loop only.
 */
final class PausedReading {
    private final Channel channel;
    private long sinceNanos;

    PausedReading(Channel channel) {
        this.channel = channel;
    }

    /** Stops reading, unless it is off already. */
    void pause() {
        if (channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            sinceNanos = System.nanoTime();
        }
    }

    /** Stops reading for good (the body failed): no pause to account for. */
    void stop() {
        channel.config().setAutoRead(false);
        sinceNanos = 0;
    }

    /**
     * Reads again, if it was off; {@code paused} first learns for how long it was (0 when not
     * through {@link #pause}), before what waited is read.
     */
    void resume(LongConsumer paused) {
        if (channel.config().isAutoRead()) {
            return;
        }
        paused.accept(sinceNanos == 0 ? 0 : System.nanoTime() - sinceNanos);
        sinceNanos = 0;
        channel.config().setAutoRead(true);
    }
}
