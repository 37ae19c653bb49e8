package dev.baton.operations.postgres;

import dev.baton.operations.store.OperationEvent;
import dev.baton.operations.store.OperationStore.Subscription;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the events of the operations this node's clients watch, whichever node writes them: one
 * connection per store {@code LISTEN}s on the store's channel; a notification names an operation
 * and an event id and, when it fits, carries the event, which then reaches each subscriber whose
 * next one it is without a read. Otherwise (too large to carry, or a subscriber that misses some
 * before it) the events after the last one each subscriber got are read from the table. The table
 * makes a lost notification harmless: after the connection comes back (a database restart) every
 * watched operation is read again from its last delivered id, so nothing is missed and nothing
 * comes twice.
 */
final class EventHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    private static final int WAIT_MILLIS = 500;

    private final Database db;
    private final OperationSql sql;
    private final String channel;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final Thread listener;
    private volatile boolean closed;

    EventHub(Database db, OperationSql sql, Names names) {
        this.db = db;
        this.sql = sql;
        this.channel = names.channel();
        this.listener = Thread.ofPlatform().daemon().name("baton-pg-listen").unstarted(this::listen);
    }

    void start() {
        listener.start();
    }

    Subscription subscribe(String id, long after, Consumer<OperationEvent> listener) {
        return subscribe(id, new Follower(listener, after));
    }

    private Subscription subscribe(String id, Follower f) {
        Watched w = watched.compute(id, (k, v) -> {
            Watched x = v == null ? new Watched(id) : v;
            x.followers.add(f);
            return x;
        });
        read(w); // the stored events after {@code after} first: a replay, or nothing
        return () -> watched.computeIfPresent(id, (k, v) -> {
            v.followers.remove(f);
            return v.followers.isEmpty() ? null : v;
        });
    }

    /** Follows the events appended from about now: from the operation's last event id when this call reads it. */
    Subscription subscribeFromNow(String id, Consumer<OperationEvent> listener) {
        Follower f = new Follower(listener, Long.MAX_VALUE); // nothing reaches it before its start is known
        Subscription s = subscribe(id, f);
        db.execute(() -> {
            try {
                f.delivered = db.inTransactionNow(c -> sql.get(c, id)).map(r -> r.lastEventId()).orElse(0L);
            } catch (SQLException | RuntimeException e) {
                f.delivered = 0; // unknown: replay all rather than miss one
            }
            Watched w = watched.get(id);
            if (w != null) {
                read(w);
            }
        });
        return s;
    }

    /** One connection, re-opened after it breaks; each (re)start reads every watched operation again. */
    private void listen() {
        long backoff = 100;
        while (!closed) {
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                if (backoff > 100) {
                    log.info("listening for operation events again; replaying what was missed");
                }
                backoff = 100;
                watched.values().forEach(this::read); // what was written while nobody listened
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] ns = pg.getNotifications(WAIT_MILLIS);
                    if (ns != null) {
                        for (PGNotification n : ns) {
                            heard(n.getParameter());
                        }
                    }
                    watched.values().stream().filter(w -> w.stale).forEach(this::read);
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (backoff == 100) {
                    log.warn("the connection listening for operation events broke ({}); reconnecting", e.getMessage());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
                backoff = Math.min(2000, backoff * 2);
            }
        }
    }

    private void heard(String payload) {
        OperationSql.Notice n;
        try {
            n = sql.notice(payload);
        } catch (RuntimeException e) {
            log.warn("an operation event notice does not parse; reading the table instead", e);
            n = null;
        }
        if (n == null) {
            watched.values().forEach(this::read); // cannot tell whose: read them all
            return;
        }
        Watched w = watched.get(n.operationId());
        if (w == null) {
            return;
        }
        if (n.event() == null) {
            read(w); // too large to carry: read from the table
            return;
        }
        synchronized (w) {
            w.pending.add(n.event());
            if (w.reading) {
                return; // the running drain takes it
            }
            w.reading = true;
        }
        db.execute(() -> drain(w));
    }

    /** Reads and delivers the watched operation's new events from the table (soon, on another thread). */
    private void read(Watched w) {
        synchronized (w) {
            w.stale = false;
            w.again = true;
            if (w.reading) {
                return; // the running drain reads again
            }
            w.reading = true;
        }
        db.execute(() -> drain(w));
    }

    /**
     * Delivers the watched operation's new events, one drain at a time per operation: from the
     * table when asked to read it, else the events notices carried, each to the followers whose next
     * one it is. A follower for which a carried event is not the next one (a notice lost, or trimmed
     * away) makes the drain read the table, which has every event committed before its notice came.
     */
    private void drain(Watched w) {
        while (true) {
            OperationEvent carried;
            synchronized (w) {
                if (w.again) {
                    w.again = false;
                    w.pending.clear(); // committed before their notices came, so the read below sees them
                    carried = null;
                } else {
                    carried = w.pending.poll();
                    if (carried == null) {
                        w.reading = false;
                        return;
                    }
                }
            }
            if (carried != null) {
                boolean gap = false;
                for (Follower f : w.followers) {
                    long d = f.delivered;
                    if (carried.id() == d + 1) {
                        f.offer(carried);
                    } else if (carried.id() > d + 1 && d != Long.MAX_VALUE) {
                        gap = true; // this follower misses some before it: the table has them
                    }
                }
                if (gap) {
                    synchronized (w) {
                        w.again = true;
                    }
                }
                continue;
            }
            try {
                long from = w.followers.stream().mapToLong(f -> f.delivered).min().orElse(Long.MAX_VALUE);
                if (from != Long.MAX_VALUE) {
                    List<OperationEvent> events = db.inTransactionNow(c -> sql.events(c, w.id, from));
                    for (OperationEvent e : events) {
                        w.followers.forEach(f -> f.offer(e));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                synchronized (w) {
                    w.stale = true; // the listener reads it again at its next turn
                    w.reading = false;
                }
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.join(WAIT_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An operation someone here watches. */
    private static final class Watched {
        final String id;
        final List<Follower> followers = new CopyOnWriteArrayList<>();
        /** Events notices carried, not yet delivered, in the order heard. */
        final ArrayDeque<OperationEvent> pending = new ArrayDeque<>();
        /** A drain runs. */
        boolean reading;
        /** The next drain turn reads the table. */
        boolean again;
        volatile boolean stale;

        Watched(String id) {
            this.id = id;
        }
    }

    /** One subscriber and the last event id it got: only later ones reach it, in order, once. */
    private static final class Follower {
        final Consumer<OperationEvent> listener;
        volatile long delivered;

        Follower(Consumer<OperationEvent> listener, long after) {
            this.listener = listener;
            this.delivered = after;
        }

        void offer(OperationEvent e) {
            if (e.id() <= delivered) {
                return;
            }
            delivered = e.id();
            try {
                listener.accept(e);
            } catch (RuntimeException ex) {
                log.warn("an operation event listener failed", ex);
            }
        }
    }
}
