package dev.baton.internal.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.EventExecutor;

/**
 * Where a streamed response's messages go, and what its producer's backpressure and an abrupt end
 * are there: an HTTP/1 connection ({@link ChannelOutlet}) or one stream of an HTTP/2 connection
 * ({@link Http2StreamOutlet}). Writes on the event loop; {@link #isWritable} and {@link #isOpen}
 * from any thread.
 */
interface ResponseOutlet {
    /** The event loop the writes run on. */
    EventExecutor executor();

    ByteBufAllocator alloc();

    ChannelFuture write(Object msg);

    ChannelFuture writeAndFlush(Object msg);

    void flush();

    /** Whether the producer may write more now: the connection, and on HTTP/2 the stream's window, take it. */
    boolean isWritable();

    /** Whether the client can still receive the response. */
    boolean isOpen();

    /** Ends the response so that the client sees it cut: HTTP/1 closes the connection, HTTP/2 resets the stream. */
    void cut();
}
