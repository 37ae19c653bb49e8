package dev.baton.client.internal;

import dev.baton.client.ConnectionClosedException;
import dev.baton.http.BodySink;
import dev.baton.http.BodyStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sink a streamed request body is written to: each write is one chunk; a write's stage
 * completes when the socket took it (backpressure); {@link #close()} sends the last chunk.
 */
final class StreamedRequestBody implements BodySink {
    private final Channel channel;
    private final OutboundExchange exchange;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Runnable> onClose = new ConcurrentLinkedQueue<>();

    StreamedRequestBody(Channel channel, OutboundExchange exchange) {
        this.channel = channel;
        this.exchange = exchange;
        channel.closeFuture().addListener(f -> finish());
    }

    void start(BodyStream producer) {
        try {
            producer.writeTo(this);
        } catch (Exception e) {
            fail(e);
        }
    }

    @Override
    public CompletionStage<Void> write(byte[] chunk) {
        if (!isOpen()) {
            return CompletableFuture.failedFuture(new ConnectionClosedException("the request body is closed", false, null));
        }
        if (chunk.length == 0) {
            return CompletableFuture.completedFuture(null); // an empty chunk would end the body
        }
        return stage(channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk.clone()))));
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public boolean isOpen() {
        return !finished.get() && channel.isActive();
    }

    @Override
    public void close() {
        if (finish()) {
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
                if (f.isSuccess()) {
                    exchange.requestBodySent();
                }
            });
        }
    }

    @Override
    public void fail(Throwable cause) {
        if (finish()) {
            exchange.fail(new ConnectionClosedException("the request body failed: " + cause, false, cause));
        }
    }

    @Override
    public void onClose(Runnable callback) {
        onClose.add(callback);
        if (finished.get() && onClose.remove(callback)) {
            callback.run();
        }
    }

    private boolean finish() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        Runnable r;
        while ((r = onClose.poll()) != null) {
            r.run();
        }
        return true;
    }

    private static CompletionStage<Void> stage(ChannelFuture f) {
        CompletableFuture<Void> cf = new CompletableFuture<>();
        f.addListener(x -> {
            if (x.isSuccess()) {
                cf.complete(null);
            } else {
                cf.completeExceptionally(x.cause());
            }
        });
        return cf;
    }
}
