package dev.baton.internal.coding;

import dev.baton.http.BodySink;
import dev.baton.http.BodyStream;
import dev.baton.http.FileBody;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;

/**
 * A part of a file as a streamed body, as it is or gzipped: read piece by piece, each piece
 * written once the previous one was taken by the connection (backpressure, and never the whole
 * file in memory). For connections that cannot send the file itself (a gzipped answer; HTTP/2).
 * The first piece is read on the producer's thread; a later one, when the connection took the
 * previous piece asynchronously, on the common pool: never on an event loop, which would block
 * it on disk reads.
 */
public final class FileBodyStream implements BodyStream {
    private static final int PIECE = 64 * 1024;
    private static final int AS_IT_IS = -1;

    private final FileBody file;
    private final int level;

    private FileBodyStream(FileBody file, int level) {
        this.file = file;
        this.level = level;
    }

    /** The file's bytes as they are. */
    public static FileBodyStream of(FileBody file) {
        return new FileBodyStream(file, AS_IT_IS);
    }

    /** The file's bytes gzipped at {@code level}. */
    public static FileBodyStream gzipped(FileBody file, int level) {
        return new FileBodyStream(file, level);
    }

    @Override
    public void writeTo(BodySink sink) throws IOException {
        FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ);
        new Pump(channel, level == AS_IT_IS ? sink : new GzipSink(sink, level), file.offset(), file.offset() + file.length()).run();
    }

    /** Reads (compresses) and writes until the end, or until a write waits on the client. */
    private static final class Pump implements Runnable {
        private final FileChannel channel;
        private final BodySink sink;
        private final ByteBuffer buffer = ByteBuffer.allocate(PIECE);
        private long position;
        private final long end;

        Pump(FileChannel channel, BodySink sink, long position, long end) {
            this.channel = channel;
            this.sink = sink;
            this.position = position;
            this.end = end;
        }

        @Override
        public void run() {
            try {
                while (position < end) {
                    buffer.clear().limit((int) Math.min(PIECE, end - position));
                    int n = channel.read(buffer, position);
                    if (n < 0) {
                        throw new IOException("the file ended " + (end - position) + " bytes early");
                    }
                    position += n;
                    byte[] piece = new byte[n];
                    buffer.flip().get(piece);
                    CompletionStage<Void> taken = sink.write(piece);
                    if (!taken.toCompletableFuture().isDone()) {
                        taken.whenCompleteAsync((v, e) -> next(e), ForkJoinPool.commonPool());
                        return;
                    }
                    if (taken.toCompletableFuture().isCompletedExceptionally()) {
                        closeChannel();
                        return; // the client left: the sink has ended already
                    }
                }
                closeChannel();
                sink.close();
            } catch (IOException | RuntimeException e) {
                closeChannel();
                sink.fail(e);
            }
        }

        private void next(Throwable writeFailed) {
            if (writeFailed != null) {
                closeChannel();
            } else {
                run();
            }
        }

        private void closeChannel() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing was lost
            }
        }
    }
}
