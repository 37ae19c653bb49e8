package dev.baton.internal.body;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Writes a body to a file without blocking any thread: one buffer at a time, the next asked for
 * when the last is written, so the file's pace sets the connection's. A failure deletes the file.
 */
final class FileTransfer implements Flow.Subscriber<ByteBuffer>, CompletionHandler<Integer, ByteBuffer> {
    private final Path file;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private AsynchronousFileChannel channel;
    private volatile Flow.Subscription subscription;
    private long position;
    // the body's end may arrive while a write is in flight (terminal signals need no demand)
    private boolean writing;
    private boolean completed;

    FileTransfer(Path file) {
        this.file = file;
        // a caller that gives up (a handler's stage cancelled on timeout) stops the transfer
        result.whenComplete((n, e) -> {
            if (result.isCancelled()) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
                abort(new java.util.concurrent.CancellationException());
            }
        });
    }

    CompletionStage<Long> result() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        try {
            channel = AsynchronousFileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | RuntimeException e) {
            s.cancel();
            result.completeExceptionally(e);
            return;
        }
        s.request(1);
    }

    @Override
    public synchronized void onNext(ByteBuffer bytes) {
        writing = true;
        channel.write(bytes, position, bytes, this);
    }

    @Override
    public void completed(Integer written, ByteBuffer bytes) {
        position += written;
        if (bytes.hasRemaining()) {
            channel.write(bytes, position, bytes, this);
            return;
        }
        boolean finish;
        synchronized (this) {
            writing = false;
            finish = completed;
        }
        if (finish) {
            finish();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void failed(Throwable error, ByteBuffer bytes) {
        subscription.cancel();
        abort(error);
    }

    @Override
    public void onError(Throwable error) {
        abort(error);
    }

    @Override
    public void onComplete() {
        boolean finish;
        synchronized (this) {
            completed = true;
            finish = !writing;
        }
        if (finish) {
            finish();
        }
    }

    private void finish() {
        try {
            channel.close();
            result.complete(position);
        } catch (IOException e) {
            abort(e);
        }
    }

    /** Closes and deletes the file, whatever has happened already; the result fails if it had not ended. */
    private synchronized void abort(Throwable error) {
        try {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            error.addSuppressed(e);
        }
        result.completeExceptionally(error);
    }
}
