package dev.baton.internal.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslCloseCompletionEvent;

/**
 * Closes the connection when the client's {@code close_notify} arrives (RFC 8446 6.1): it will
 * send nothing more, and the SslHandler answers with its own {@code close_notify} on close.
 */
final class TlsClosure extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslCloseCompletionEvent) {
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }
}
