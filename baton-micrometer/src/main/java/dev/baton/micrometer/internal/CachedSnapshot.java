package dev.baton.micrometer.internal;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A snapshot taken at most once per {@code maxAge}: every meter of one scrape reads the same
 * snapshot instead of taking its own. Thread-safe; two threads that find it stale at once may
 * both take one, and either is fine.
 */
public final class CachedSnapshot<T> implements Supplier<T> {
    private final Supplier<T> source;
    private final long maxAgeNanos;
    private volatile Taken<T> last;

    private record Taken<T>(T value, long atNanos) {
    }

    public CachedSnapshot(Supplier<T> source, Duration maxAge) {
        this.source = source;
        this.maxAgeNanos = maxAge.toNanos();
    }

    @Override
    public T get() {
        Taken<T> t = last;
        long now = System.nanoTime();
        if (t == null || now - t.atNanos >= maxAgeNanos) {
            t = new Taken<>(source.get(), now);
            last = t;
        }
        return t.value;
    }
}
