package dev.baton.internal;

import dev.baton.context.PendingWork;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The per-request {@link PendingWork}: open tickets, abandoned when the response completes first. */
public final class PendingWorkTracker implements PendingWork {
    private static final Logger log = LoggerFactory.getLogger(PendingWorkTracker.class);

    /** Made on first use: most requests start no tracked work. */
    private volatile Set<TicketImpl> open;
    private volatile boolean closed;

    private Set<TicketImpl> openSet() {
        Set<TicketImpl> s = open;
        if (s == null) {
            synchronized (this) {
                s = open;
                if (s == null) {
                    s = ConcurrentHashMap.newKeySet();
                    open = s;
                }
            }
        }
        return s;
    }

    @Override
    public Ticket begin(String description, Runnable onAbandon) {
        TicketImpl t = new TicketImpl(description, onAbandon);
        Set<TicketImpl> s = openSet();
        s.add(t);
        if (closed && s.remove(t)) {
            // registered after the response completed: abandon at once
            t.abandon();
        }
        return t;
    }

    @Override
    public int pending() {
        Set<TicketImpl> s = open;
        return s == null ? 0 : s.size();
    }

    /** What is open now. */
    public List<String> descriptions() {
        List<String> out = new ArrayList<>();
        Set<TicketImpl> s = open;
        if (s != null) {
            for (TicketImpl t : s) {
                out.add(t.description);
            }
        }
        return out;
    }

    /** The response completed: abandons what is still open and returns its descriptions. */
    public List<String> abandonAll() {
        closed = true;
        Set<TicketImpl> s = open;
        if (s == null || s.isEmpty()) {
            return List.of();
        }
        List<String> abandoned = new ArrayList<>();
        for (TicketImpl t : s) {
            if (s.remove(t)) {
                abandoned.add(t.description);
                t.abandon();
            }
        }
        return abandoned;
    }

    private final class TicketImpl implements Ticket {
        final String description;
        final Runnable onAbandon;
        final AtomicBoolean done = new AtomicBoolean();

        TicketImpl(String description, Runnable onAbandon) {
            this.description = description;
            this.onAbandon = onAbandon;
        }

        void abandon() {
            if (done.compareAndSet(false, true) && onAbandon != null) {
                try {
                    onAbandon.run();
                } catch (RuntimeException e) {
                    log.warn("cancelling pending work '{}' failed", description, e);
                }
            }
        }

        @Override
        public void close() {
            if (done.compareAndSet(false, true)) {
                openSet().remove(this);
            }
        }
    }
}
