package dev.baton.internal.netty;

import io.netty.channel.ChannelOutboundBuffer;

/**
 * When a connection's outbound buffer last moved: a client taking a big body slowly is not idle,
 * one that stopped reading is (IdleStateHandler's observeOutput). Sampled only when the idle timer
 * fires, so a full idle period without progress closes the connection. Event loop only.
 */
final class OutputProgress {
    private Object message;
    private long progress;
    private long pending;
    private long movedNanos = System.nanoTime();

    /** When {@code out} was last seen to move (nanoTime); an empty buffer keeps the last time. */
    long lastMovedNanos(ChannelOutboundBuffer out) {
        if (out == null || out.totalPendingWriteBytes() == 0) {
            message = null;
            return movedNanos;
        }
        Object m = out.current();
        long p = out.currentProgress();
        long bytes = out.totalPendingWriteBytes();
        if (m != message || p != progress || bytes != pending) {
            message = m;
            progress = p;
            pending = bytes;
            movedNanos = System.nanoTime();
        }
        return movedNanos;
    }
}
