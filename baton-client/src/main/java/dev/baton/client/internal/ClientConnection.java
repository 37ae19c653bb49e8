package dev.baton.client.internal;

import dev.baton.client.ConnectionClosedException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One pooled HTTP/1.1 connection, the last handler of its pipeline. Runs one exchange at a time
 * (no pipelining), on its event loop, and gives itself back to its pool when the exchange ends.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements Lease, Transport {
    private final Channel channel;
    private final HostPool pool;
    private final ResponseDecoder decoder;
    private final AtomicBoolean retired = new AtomicBoolean();
    private OutboundExchange current;
    private Throwable failure;
    /** The decoder rejected a piece of a response (event loop): it discards every later byte. */
    private boolean malformed;

    ClientConnection(Channel channel, HostPool pool, ResponseDecoder decoder) {
        this.channel = channel;
        this.pool = pool;
        this.decoder = decoder;
    }

    @Override
    public EventLoop loop() {
        return channel.eventLoop();
    }

    @Override
    public Channel channel() {
        return channel;
    }

    boolean isActive() {
        return channel.isActive();
    }

    /** True the first time: the pool frees this connection's place once. */
    boolean retire() {
        return retired.compareAndSet(false, true);
    }

    void close() {
        channel.close();
    }

    @Override
    public void giveBack() {
        pool.retire(this); // anything aborted is closed, never pooled
    }

    /** Runs {@code ex} on this connection, from any thread. */
    @Override
    public void start(OutboundExchange ex) {
        if (!loop().inEventLoop()) {
            loop().execute(() -> start(ex));
            return;
        }
        if (!channel.isActive()) {
            pool.retire(this);
            ex.fail(new ConnectionClosedException("the pooled connection to the host was closed before the request was sent",
                    false, failure));
            return;
        }
        current = ex;
        decoder.expectHead(ex.isHead());
        try {
            ex.begin(this);
        } catch (RuntimeException e) { // a request Netty cannot encode must fail its call, not hang it
            ex.fail(new dev.baton.client.HttpClientException("cannot send the request: " + e.getMessage(), e));
        }
    }

    /** The exchange completed normally (on the loop). */
    @Override
    public void ended(OutboundExchange ex, boolean reusable) {
        if (current == ex) {
            current = null;
            if (malformed || decoder.buffered() > 0) {
                // a decoder that failed discards every later byte, so it would never find the next
                // response (its exchange fails for it; this guards the pool whatever the exchange did).
                // RFC 9112 6.3: data after a complete response (in the bytes the decoder holds, which
                // it would read as the next exchange's response) is no response to the next request
                pool.retire(this);
                return;
            }
            pool.release(this, reusable);
        }
    }

    /** The exchange failed or was aborted (on the loop): the connection cannot be trusted, close it. */
    @Override
    public void abandon(OutboundExchange ex) {
        if (current == ex) {
            current = null;
        }
        pool.retire(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DecoderResultProvider d && d.decoderResult().isFailure()) {
            malformed = true;
        }
        OutboundExchange ex = current;
        if (ex == null) {
            // nothing was asked: a stray byte from the server means the connection is unusable
            ReferenceCountUtil.release(msg);
            pool.retire(this);
            return;
        }
        ex.onMessage(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        OutboundExchange ex = current;
        current = null;
        pool.retire(this);
        if (ex != null) {
            ex.fail(new ConnectionClosedException("the connection closed before the response was complete"
                    + (failure == null ? "" : ": " + failure), ex.responseStarted(), failure));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failure = cause;
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && current == null) {
            pool.evictIfIdle(this);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
