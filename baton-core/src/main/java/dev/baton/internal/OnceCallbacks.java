package dev.baton.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks waiting for one event that happens once (a token fires, a request ends, a stream
 * closes): each runs exactly once, with the event's value, whether it was added before the event
 * (it runs when the event fires) or after (it runs at once). A callback that throws is logged and
 * the others still run. The queue is made on the first registration: most owners never get one.
 *
 * <pre>{@code callbacks.add(reason -> call.abort()); ... callbacks.fire(CancellationReason.TIMEOUT);}</pre>
 */
public final class OnceCallbacks<T> {
    private static final Logger log = LoggerFactory.getLogger(OnceCallbacks.class);

    private final String what;
    private volatile ConcurrentLinkedQueue<Entry<T>> queue;
    private volatile T fired;

    /** {@code what}: what the callbacks wait for, for the log line of one that fails. */
    public OnceCallbacks(String what) {
        this.what = what;
    }

    /** Runs {@code callback} when the event fires, or now if it has; returns what removes it before. */
    public Runnable add(Consumer<? super T> callback) {
        Entry<T> e = new Entry<>(callback);
        ConcurrentLinkedQueue<Entry<T>> q = queue;
        if (q == null) {
            synchronized (this) {
                q = queue;
                if (q == null) {
                    q = new ConcurrentLinkedQueue<>();
                    queue = q;
                }
            }
        }
        q.add(e);
        T value = fired;
        if (value != null && q.remove(e)) {
            e.run(value, what); // fired between the add and now: the firing may have missed it
        }
        ConcurrentLinkedQueue<Entry<T>> registered = q;
        return () -> registered.remove(e);
    }

    /**
     * Fires the event: every callback added runs once, here, with a non-null value. Calling it
     * again runs only callbacks added since (each runs once whatever happens), which lets an owner
     * that makes this list lazily fire it again after a late add, to close the race with its own
     * firing.
     */
    public void fire(T value) {
        fired = value;
        ConcurrentLinkedQueue<Entry<T>> q = queue;
        Entry<T> e;
        while (q != null && (e = q.poll()) != null) {
            e.run(value, what);
        }
    }

    private static final class Entry<T> extends AtomicBoolean {
        private final Consumer<? super T> action;

        Entry(Consumer<? super T> action) {
            this.action = action;
        }

        void run(T value, String what) {
            if (!compareAndSet(false, true)) {
                return;
            }
            try {
                action.accept(value);
            } catch (RuntimeException ex) {
                log.warn("a callback on {} failed", what, ex);
            }
        }
    }
}
