package dev.baton.internal.netty;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;

/**
 * The time a request head may take to arrive (slowloris), on one {@link LazyTimer} per
 * connection: started when a head's first bytes come, stopped when it is complete, and never a
 * task scheduled or cancelled per request. In the event loop's own clock, so that a test's
 * embedded channel can advance it. Confined to the connection's event loop.
 */
final class HeadTimeout {
    private final long limitNanos;
    private final Runnable expired;
    private final EventExecutor loop;
    private final LazyTimer timer;
    /** When the head being read began; 0 between heads. */
    private long startNanos;

    /** {@code expired} runs on the loop when a head took longer than {@code limit}. */
    HeadTimeout(EventExecutor loop, Duration limit, Runnable expired) {
        this.loop = loop;
        this.limitNanos = limit.toNanos();
        this.expired = expired;
        this.timer = new LazyTimer(() -> loop.ticker().nanoTime(), this::fired);
        timer.bind(loop);
    }

    /** True while a head is being timed. */
    boolean running() {
        return startNanos != 0;
    }

    /** A head's first bytes arrived. */
    void start() {
        startNanos = loop.ticker().nanoTime();
        timer.fireBy(startNanos + limitNanos);
    }

    /** The head is complete: the timer stays armed, and finds nothing to do if it fires. */
    void stop() {
        startNanos = 0;
    }

    /** The connection is done with heads. */
    void close() {
        startNanos = 0;
        timer.stop();
    }

    private long fired(long now) {
        if (startNanos == 0) {
            return 0; // no head in progress: the next one re-arms
        }
        if (now - startNanos < limitNanos) {
            return startNanos + limitNanos; // a later head than the one that armed it
        }
        startNanos = 0;
        expired.run();
        return 0;
    }
}
