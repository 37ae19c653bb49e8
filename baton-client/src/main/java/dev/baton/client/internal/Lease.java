package dev.baton.client.internal;

import io.netty.channel.EventLoop;

/**
 * What a host's pool hands an attempt: a pooled HTTP/1.1 connection of its own, or a place for
 * one stream on the host's shared HTTP/2 connection.
 */
interface Lease {
    EventLoop loop();

    /** Runs {@code ex} on what was leased, from any thread. */
    void start(OutboundExchange ex);

    /** The attempt ended before it could start (aborted while the lease was on its way). */
    void giveBack();
}
