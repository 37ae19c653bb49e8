package dev.baton.internal.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;

/** An HTTP/1 connection as the outlet of its streamed response: the channel's own writes, writability and close. */
final class ChannelOutlet implements ResponseOutlet {
    private final ChannelHandlerContext ctx;

    ChannelOutlet(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public ChannelFuture write(Object msg) {
        return ctx.write(msg);
    }

    @Override
    public ChannelFuture writeAndFlush(Object msg) {
        return ctx.writeAndFlush(msg);
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public boolean isOpen() {
        return ctx.channel().isActive();
    }

    @Override
    public void cut() {
        ctx.channel().close();
    }
}
