package dev.baton.client.internal;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * What one exchange writes its request to and reads its response from: an HTTP/1.1 connection,
 * or an HTTP/2 stream whose channel speaks the same HTTP/1.1 message objects (Netty's
 * {@code Http2StreamFrameToHttpObjectCodec}), so that the exchange runs alike on both.
 */
interface Transport {
    EventLoop loop();

    Channel channel();

    /** The exchange completed normally (on the loop). */
    void ended(OutboundExchange ex, boolean reusable);

    /** The exchange failed or was aborted (on the loop): close what it ran on. */
    void abandon(OutboundExchange ex);
}
