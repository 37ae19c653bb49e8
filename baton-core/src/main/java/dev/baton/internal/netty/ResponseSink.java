package dev.baton.internal.netty;

import io.netty.channel.EventLoop;

/**
 * Where an {@link Exchange} sends its answer: the connection it came on. The one way back from
 * a request to its connection, so that nothing else in a request calls up into it.
 */
interface ResponseSink {

    /** Writes the rendered answer of {@code ex}, from any thread; the write itself happens on the event loop. */
    default void write(Exchange ex, ResponseRenderer.Rendered answer) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            writeOnLoop(ex, answer);
        } else {
            loop.execute(() -> writeOnLoop(ex, answer));
        }
    }

    /** {@link #write} on the event loop. */
    void writeOnLoop(Exchange ex, ResponseRenderer.Rendered answer);

    /** The connection's event loop: its timers, and the I/O of modules working for the request. */
    EventLoop eventLoop();
}
