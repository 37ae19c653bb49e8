package dev.baton.internal.body;

import dev.baton.http.HttpException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** Reads a whole body: into memory up to a limit ({@code readAll}), or counting and dropping it ({@code discard}). */
final class BodyCollector implements Flow.Subscriber<ByteBuffer> {
    private final ByteArrayOutputStream kept;
    private final int maxBytes;
    private final CompletableFuture<Long> count = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long total;

    private BodyCollector(ByteArrayOutputStream kept, int maxBytes) {
        this.kept = kept;
        this.maxBytes = maxBytes;
    }

    static BodyCollector keeping(int maxBytes) {
        return new BodyCollector(new ByteArrayOutputStream(), maxBytes);
    }

    static BodyCollector dropping() {
        return new BodyCollector(null, Integer.MAX_VALUE);
    }

    CompletionStage<Long> count() {
        return count;
    }

    CompletionStage<byte[]> bytes() {
        return count.thenApply(n -> kept.toByteArray());
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        count.whenComplete((n, e) -> {
            if (count.isCancelled()) {
                s.cancel(); // the caller gave up (a handler's stage cancelled on timeout)
            }
        });
        s.request(Long.MAX_VALUE); // signals come one at a time on the loop: no buffering beyond what is kept
    }

    @Override
    public void onNext(ByteBuffer bytes) {
        int n = bytes.remaining();
        total += n;
        if (kept == null) {
            return;
        }
        if (total > maxBytes) {
            subscription.cancel();
            count.completeExceptionally(new HttpException(413, "the body is larger than " + maxBytes + " bytes"));
            return;
        }
        kept.write(bytes.array(), bytes.arrayOffset() + bytes.position(), n);
    }

    @Override
    public void onError(Throwable error) {
        count.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        count.complete(total);
    }
}
