package dev.baton.support;

import dev.baton.http.RequestBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.CRC32;

/**
 * {@code size} bytes of a fixed, non-repeating-looking pattern, made as they are read: an upload
 * of any size without a file, and the CRCs a test compares what arrived with.
 */
public final class BodyPattern extends InputStream {
    private final long size;
    private long at;

    public BodyPattern(long size) {
        this.size = size;
    }

    @Override
    public int read() {
        return at < size ? next() : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (at >= size) {
            return -1;
        }
        int n = (int) Math.min(len, size - at);
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) next();
        }
        return n;
    }

    private int next() {
        long i = at++;
        return (int) ((i * 31 + (i >>> 9) + (i >>> 17)) & 0xff);
    }

    /** The CRC-32 of what {@code in} holds (closed after). */
    public static long crcOf(InputStream in) throws IOException {
        try (in) {
            CRC32 crc = new CRC32();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
            }
            return crc.getValue();
        }
    }

    /** Reads {@code body} a buffer at a time: "size crc" once it ended. */
    public static CompletionStage<String> crc(RequestBody body) {
        CompletableFuture<String> result = new CompletableFuture<>();
        body.subscribe(new Flow.Subscriber<>() {
            private final CRC32 crc = new CRC32();
            private long size;
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer bytes) {
                size += bytes.remaining();
                crc.update(bytes);
                subscription.request(1);
            }

            @Override
            public void onError(Throwable error) {
                result.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                result.complete(size + " " + crc.getValue());
            }
        });
        return result;
    }
}
