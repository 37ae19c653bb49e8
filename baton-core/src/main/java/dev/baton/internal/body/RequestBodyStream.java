package dev.baton.internal.body;

import dev.baton.http.HttpException;
import dev.baton.http.RequestBody;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request body between the protocol that receives it and the one reader that consumes it.
 * Protocol-neutral: a {@link BodySource} feeds it with {@link #offer}, {@link #end} and
 * {@link #fail} and is told to {@link BodySource#pause pause} when more than {@link #HIGH_WATER}
 * bytes wait for a reader that asks for none. Every signal to the reader goes out on the
 * stream's event loop, so its state needs no lock; the reader's calls hop there.
 */
public final class RequestBodyStream implements RequestBody {
    private static final Logger log = LoggerFactory.getLogger(RequestBodyStream.class);
    /** Bytes held for a reader that has not asked for them; past this the source stops reading. */
    public static final int HIGH_WATER = 128 * 1024;

    private final EventExecutor loop;
    private final BodySource source;
    private final long length;
    private final long limit;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
    private long heldBytes;
    private volatile long peakHeldBytes;
    private long received;
    private boolean ended;
    private Throwable failure;
    private Flow.Subscriber<? super ByteBuffer> reader;
    private long demand;
    private boolean started;
    /** The reader cancelled (or the answer went out): what arrives is dropped. */
    private boolean cancelled;
    /** The reader got its last signal. */
    private boolean terminated;
    private boolean draining;
    private volatile boolean paused;

    /** {@code length}: declared, or -1; {@code limit}: past it the stream fails with 413. */
    public RequestBodyStream(EventExecutor loop, BodySource source, long length, long limit) {
        this.loop = loop;
        this.source = source;
        this.length = length;
        this.limit = limit;
    }

    /** A body that has arrived whole, as one buffer. */
    public static RequestBodyStream of(byte[] body, EventExecutor loop) {
        RequestBodyStream s = new RequestBodyStream(loop, BodySource.NONE, body.length, Long.MAX_VALUE);
        s.onLoop(() -> {
            if (body.length > 0) {
                s.hold(ByteBuffer.wrap(body));
            }
            s.end();
        });
        return s;
    }

    // ---- the protocol side: on the loop ----

    /** Bytes arrived; copied, so the caller keeps (and releases) {@code data}. */
    public void offer(ByteBuf data) {
        int n = data.readableBytes();
        if (n == 0 || ended || failure != null) {
            return;
        }
        received += n;
        if (received > limit) {
            fail(new HttpException(413, "the body is larger than " + limit + " bytes"));
            return;
        }
        if (cancelled) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(n);
        data.getBytes(data.readerIndex(), copy);
        hold(copy.flip());
    }

    private void hold(ByteBuffer bytes) {
        held.add(bytes);
        heldBytes += bytes.remaining();
        if (heldBytes > peakHeldBytes) {
            peakHeldBytes = heldBytes;
        }
        drain();
    }

    /** The body is complete. */
    public void end() {
        if (!ended && failure == null) {
            ended = true;
            drain();
        }
    }

    /** The body cannot complete: the reader gets {@code cause}, and what it has not read is dropped. */
    public void fail(Throwable cause) {
        if (ended || failure != null) {
            return;
        }
        failure = cause;
        held.clear();
        heldBytes = 0;
        drain();
    }

    /**
     * The answer is going out: a body not yet ended is unwanted now, its reader fails with a
     * {@link CancellationException}. True if the connection can go on after the answer.
     */
    public boolean abandon() {
        if (ended) {
            return true;
        }
        if (failure != null) {
            return false;
        }
        cancelled = true;
        fail(new CancellationException("the response was sent before the request body was read"));
        // the source decides on what is still to come; a failed stream does not ask it to read again
        return source.abandon(received, length);
    }

    /** True once the body is complete. */
    public boolean isEnded() {
        return ended;
    }

    /** True while bytes are wanted from the client and reading is on: a stall is the client's. */
    public boolean awaitsClient() {
        return started && !ended && failure == null && !paused;
    }

    /** True while the source is told to stop: the reader holds enough. */
    public boolean isPaused() {
        return paused;
    }

    /** The most bytes held at once for the reader: what a slow reader costs the server. */
    public long peakHeldBytes() {
        return peakHeldBytes;
    }

    // ---- the reader's side ----

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!claimed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("the request body has one reader, and it is being read already"));
            return;
        }
        onLoop(() -> {
            reader = subscriber;
            try {
                subscriber.onSubscribe(new Subscription());
            } catch (Throwable t) {
                log.warn("a request body's reader failed in onSubscribe; the body is dropped", t);
                cancelled = true;
            }
            drain();
        });
    }

    @Override
    public CompletionStage<Long> transferTo(Path file) {
        FileTransfer transfer = new FileTransfer(file);
        subscribe(transfer);
        return transfer.result();
    }

    @Override
    public CompletionStage<byte[]> readAll(int maxBytes) {
        if (length > maxBytes) {
            return CompletableFuture.failedFuture(
                    new HttpException(413, "the body is larger than " + maxBytes + " bytes"));
        }
        BodyCollector collector = BodyCollector.keeping(maxBytes);
        subscribe(collector);
        return collector.bytes();
    }

    @Override
    public CompletionStage<Long> discard() {
        BodyCollector collector = BodyCollector.dropping();
        subscribe(collector);
        return collector.count();
    }

    @Override
    public InputStream asInputStream() {
        BodyInputStream in = new BodyInputStream();
        subscribe(in);
        return in;
    }

    private final class Subscription implements Flow.Subscription {
        @Override
        public void request(long n) {
            onLoop(() -> {
                if (terminated || cancelled) {
                    return;
                }
                if (n <= 0) { // Reactive Streams 3.9
                    cancelled = true;
                    fail(new IllegalArgumentException("a reader must request a positive number of buffers, not " + n));
                    return;
                }
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                if (!started) {
                    started = true;
                    source.started();
                }
                drain();
            });
        }

        @Override
        public void cancel() {
            onLoop(() -> {
                cancelled = true;
                held.clear();
                heldBytes = 0;
                flow();
            });
        }
    }

    /** Hands the reader what it asked for and what ended the body, then sets the source's pace. */
    private void drain() {
        if (draining) {
            return; // a reader asking for more from inside onNext: the loop below goes on
        }
        draining = true;
        try {
            while (reader != null && !terminated) {
                if (failure != null) {
                    terminated = true;
                    signal(() -> reader.onError(failure));
                } else if (cancelled) {
                    held.clear();
                    heldBytes = 0;
                } else if (demand > 0 && !held.isEmpty()) {
                    ByteBuffer next = held.poll();
                    heldBytes -= next.remaining();
                    demand--;
                    signal(() -> reader.onNext(next));
                    continue;
                } else if (ended && held.isEmpty()) {
                    terminated = true;
                    signal(() -> reader.onComplete());
                }
                break;
            }
        } finally {
            draining = false;
        }
        flow();
    }

    /** A reader that throws has broken its contract (Reactive Streams 2.13): it is cancelled. */
    private void signal(Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            log.warn("a request body's reader threw; its subscription is cancelled", t);
            cancelled = true;
            held.clear();
            heldBytes = 0;
        }
    }

    /**
     * Stops the source while too much waits for the reader; reading goes on once the body ended or
     * is dropped. The pause is repeated with each offer past the mark: something else on the
     * connection (its pipelining limit) may have turned reading back on.
     */
    private void flow() {
        boolean pause = !ended && failure == null && !cancelled && heldBytes >= HIGH_WATER;
        if (pause) {
            paused = true;
            source.pause();
        } else if (paused) {
            paused = false;
            source.resume();
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("a request body's event loop has stopped; the call is dropped");
        }
    }
}
