package dev.baton.internal.netty;

import dev.baton.context.RequestContext;
import dev.baton.http.BodySink;
import dev.baton.http.BodyStream;
import dev.baton.http.EventStream;
import dev.baton.http.Response;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a streamed response: chunks written from any thread, each write's stage
 * completing when the connection took it. Ends once, by close, failure or the client leaving.
 */
final class StreamSink implements BodySink {
    private static final Logger log = LoggerFactory.getLogger(StreamSink.class);

    private final ChannelHandlerContext ctx;
    private final Runnable onEnd;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Runnable> closeCallbacks = new ConcurrentLinkedQueue<>();

    StreamSink(ChannelHandlerContext ctx, Runnable onEnd) {
        this.ctx = ctx;
        this.onEnd = onEnd;
    }

    /** Runs the producer: the body stream or the event source. */
    void start(Response response, RequestContext ex) {
        try {
            if (response.body() instanceof BodyStream body) {
                body.writeTo(this);
            } else if (response.body() instanceof EventStream events) {
                SseEmitter emitter = new SseEmitter(this, ctx.executor(), events.heartbeat());
                events.source().start(emitter);
            }
        } catch (Exception e) {
            log.error("{}: the streamed body failed", ex.route(), e);
            fail(e);
        }
    }

    @Override
    public CompletionStage<Void> write(byte[] chunk) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!open.get()) {
            done.completeExceptionally(new IOException("the stream is closed"));
            return done;
        }
        if (chunk.length == 0) {
            done.complete(null);
            return done;
        }
        ChannelPromise promise = ctx.newPromise();
        promise.addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(f.cause());
                ended();
            }
        });
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)), promise);
        return done;
    }

    @Override
    public boolean isWritable() {
        return open.get() && ctx.channel().isWritable();
    }

    @Override
    public boolean isOpen() {
        return open.get() && ctx.channel().isActive();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> ended());
        }
    }

    @Override
    public void fail(Throwable cause) {
        if (open.compareAndSet(true, false)) {
            log.debug("stream aborted: {}", cause.toString());
            ctx.channel().close();
            ended();
        }
    }

    /** The connection closed under the stream. */
    void clientGone() {
        open.set(false);
        ended();
    }

    @Override
    public void onClose(Runnable callback) {
        closeCallbacks.add(callback);
        if (ended.get() && closeCallbacks.remove(callback)) {
            callback.run();
        }
    }

    private void ended() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        open.set(false);
        Runnable r;
        while ((r = closeCallbacks.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("stream close callback failed", e);
            }
        }
        if (ctx.executor().inEventLoop()) {
            onEnd.run();
        } else {
            ctx.executor().execute(onEnd);
        }
    }
}
