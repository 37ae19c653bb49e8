package dev.baton.internal.netty;

import dev.baton.context.RequestContext;
import dev.baton.http.BodySink;
import dev.baton.http.BodyStream;
import dev.baton.http.EventStream;
import dev.baton.http.Response;
import dev.baton.internal.OnceCallbacks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a streamed response: chunks written from any thread, each write's stage
 * completing when the connection took it. Ends once, by close, failure or the client leaving.
 * Its {@link Framing} puts each write on the wire: one chunk on HTTP/1.1 (RFC 9112 7.1), the bytes
 * as they are on HTTP/1.0 (the connection's close ends the body), a DATA frame on HTTP/2.
 */
final class StreamSink implements BodySink {
    private static final Logger log = LoggerFactory.getLogger(StreamSink.class);

    private static final short CRLF = ('\r' << 8) | '\n';
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    /** How a body's writes and its end go on the wire. */
    interface Framing {
        /** One write's bytes, framed. */
        Object chunk(ByteBufAllocator alloc, byte[] chunk);

        /** What ends the body. */
        Object last();
    }

    /** HTTP/1.1: each write a chunk, the last chunk at the end. */
    static final Framing CHUNKED = new Framing() {
        @Override
        public Object chunk(ByteBufAllocator alloc, byte[] chunk) {
            ByteBuf buf = alloc.buffer(chunk.length + 12);
            ByteBufUtil.writeAscii(buf, Integer.toHexString(chunk.length));
            buf.writeShort(CRLF);
            buf.writeBytes(chunk);
            buf.writeShort(CRLF);
            return buf;
        }

        @Override
        public Object last() {
            return Unpooled.wrappedBuffer(LAST_CHUNK);
        }
    };

    /** HTTP/1.0: the bytes as they are; the connection's close ends the body. */
    static final Framing RAW = new Framing() {
        @Override
        public Object chunk(ByteBufAllocator alloc, byte[] chunk) {
            return Unpooled.wrappedBuffer(chunk);
        }

        @Override
        public Object last() {
            return Unpooled.EMPTY_BUFFER;
        }
    };

    private final ResponseOutlet outlet;
    /** A write that failed cuts the response: the client can tell it is incomplete. */
    private final ChannelFutureListener cutOnFailure;
    private final Framing framing;
    private final Runnable onEnd;
    /** Runs on the event loop as the head goes out: a stream's latency is its time to first byte. */
    private final Runnable headSent;
    /** Answers a producer that failed before anything was sent; the runnable ends the stream once that answer is out. */
    private final java.util.function.BiConsumer<Throwable, Runnable> failedBeforeHead;
    /** Event loop only: the response head, until it goes out with the first chunk or when the producer returns. */
    private Object head;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final OnceCallbacks<Boolean> closeCallbacks = new OnceCallbacks<>("a stream's close");
    /** Event loop only: the body's end was written, so nothing more may be. */
    private boolean lastWritten;
    /** Event loop only: bytes handed to the connection, head and framing included. */
    private long bytesSent;

    /**
     * @param head             the response head, sent with the first chunk or once the producer returns,
     *                         so that a producer failing before it wrote anything can still get an error status
     * @param failedBeforeHead answers such a producer's failure instead of the head
     * @param headSent         runs (event loop) when the head goes out
     */
    StreamSink(ResponseOutlet outlet, Framing framing, Object head, java.util.function.BiConsumer<Throwable, Runnable> failedBeforeHead,
               Runnable headSent, Runnable onEnd) {
        this.outlet = outlet;
        this.cutOnFailure = f -> {
            if (!f.isSuccess()) {
                outlet.cut();
            }
        };
        this.framing = framing;
        this.head = head;
        this.failedBeforeHead = failedBeforeHead;
        this.headSent = headSent;
        this.onEnd = onEnd;
    }

    /** Bytes handed to the connection so far, head and framing included (event loop only). */
    long bytesSent() {
        return bytesSent;
    }

    /** Runs the producer: the body stream or the event source. */
    void start(Response response, RequestContext ex) {
        try {
            if (response.body() instanceof BodyStream body) {
                body.writeTo(this);
            } else if (response.body() instanceof EventStream events) {
                SseEmitter emitter = new SseEmitter(this, outlet.executor(), events.heartbeat());
                events.source().start(emitter);
            }
        } catch (Exception e) {
            log.error("{}: the streamed body failed", ex.route(), e);
            fail(e);
            return;
        }
        // the producer may go on asynchronously: the client gets the head now (an event stream's
        // client waits for it to open)
        onLoop(() -> {
            if (sendHead()) {
                outlet.flush();
            }
        }, new CompletableFuture<>());
    }

    /** Writes the head if it has not gone yet (event loop only); true if it went now. */
    private boolean sendHead() {
        Object h = head;
        if (h == null) {
            return false;
        }
        head = null;
        headSent.run();
        bytesSent += sizeOf(h);
        outlet.write(h).addListener(cutOnFailure);
        return true;
    }

    /** The head was never sent (event loop only): drops it; true if it was still pending. */
    private boolean dropHead() {
        Object h = head;
        head = null;
        ReferenceCountUtil.release(h);
        return h != null;
    }

    @Override
    public CompletionStage<Void> write(byte[] chunk) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!open.get()) {
            done.completeExceptionally(closedError());
            return done;
        }
        if (chunk.length == 0) {
            done.complete(null);
            return done;
        }
        onLoop(() -> {
            // checked on the loop: a write racing close() must not land after the last chunk
            if (lastWritten) {
                done.completeExceptionally(closedError());
                return;
            }
            sendHead();
            Object framed = framing.chunk(outlet.alloc(), chunk);
            bytesSent += sizeOf(framed);
            outlet.writeAndFlush(framed).addListener(f -> {
                if (f.isSuccess()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(f.cause());
                    ended();
                }
            });
        }, done);
        return done;
    }

    private static IOException closedError() {
        return new IOException("the stream is closed");
    }

    /** Runs {@code task} on the connection's event loop; fails {@code done} if the loop is gone. */
    private void onLoop(Runnable task, CompletableFuture<?> done) {
        if (outlet.executor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            outlet.executor().execute(task);
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(closedError());
            ended();
        }
    }

    /** The bytes a framed write carries (an HTTP/2 frame: its payload). */
    private static long sizeOf(Object framed) {
        return framed instanceof ByteBuf b ? b.readableBytes() : framed instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    }

    @Override
    public boolean isWritable() {
        return open.get() && outlet.isWritable();
    }

    @Override
    public boolean isOpen() {
        return open.get() && outlet.isOpen();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            onLoop(() -> {
                lastWritten = true;
                sendHead();
                Object last = framing.last();
                bytesSent += sizeOf(last);
                outlet.writeAndFlush(last).addListener(f -> ended());
            }, new CompletableFuture<>());
        }
    }

    @Override
    public void fail(Throwable cause) {
        if (open.compareAndSet(true, false)) {
            log.debug("stream aborted: {}", cause.toString());
            onLoop(() -> {
                if (dropHead() && outlet.isOpen()) {
                    failedBeforeHead.accept(cause, this::ended); // nothing sent yet: an error status is still possible
                } else {
                    outlet.cut(); // mid-body: only the cut (no last chunk) can tell the client
                    ended();
                }
            }, new CompletableFuture<>());
        }
    }

    /** The connection closed under the stream. */
    void clientGone() {
        open.set(false);
        if (outlet.executor().inEventLoop()) {
            dropHead();
        }
        ended();
    }

    @Override
    public void onClose(Runnable callback) {
        closeCallbacks.add(closed -> callback.run());
    }

    private void ended() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        open.set(false);
        closeCallbacks.fire(Boolean.TRUE);
        if (outlet.executor().inEventLoop()) {
            onEnd.run();
        } else {
            outlet.executor().execute(onEnd);
        }
    }
}
