package dev.baton.client.internal;

import dev.baton.client.ClientStats;
import dev.baton.client.HttpClientException;
import dev.baton.client.PoolExhaustedException;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connections to one host: at most {@code limit} open (connecting, busy or idle), the idle
 * ones kept most recent first, and a bounded queue of requests waiting for one. State changes
 * are short critical sections under the pool's lock; connecting and completing waiters happen
 * outside it. Counts the host's attempts, retries and the time calls waited in its queue, since
 * start and over the last seconds, which {@link PoolSafetyNet} watches.
 */
final class HostPool {
    private static final int LOCALITY_SCAN = 8;

    private final HostKey key;
    private final int limit;
    private final int queueCapacity;
    private final ConnectionPool owner;
    private final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Pending> waiters = new ArrayDeque<>();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final WaitTimes waits = new WaitTimes();
    private final RecentWaits recent;
    /** The slice of {@link #recent} this host was last reported in. */
    private final AtomicLong flagged = new AtomicLong(Long.MIN_VALUE);
    private int open;
    private int connecting;
    private int peak;

    HostPool(HostKey key, int limit, int queueCapacity, ConnectionPool owner) {
        this.key = key;
        this.limit = limit;
        this.queueCapacity = queueCapacity;
        this.owner = owner;
        this.recent = new RecentWaits(owner.safetyNet.thresholdNanos(), System.nanoTime());
    }

    /** A connection wanted on {@code loop}; {@link #queued} says whether it had to wait in the queue. */
    static final class Pending extends CompletableFuture<ClientConnection> {
        final EventLoop loop;
        volatile boolean queued;

        Pending(EventLoop loop) {
            this.loop = loop;
        }
    }

    /** An idle connection (preferably on {@code loop}), a new one, or a place in the queue. */
    Pending acquire(EventLoop loop) {
        Pending p = new Pending(loop);
        ClientConnection reuse;
        synchronized (this) {
            reuse = pollIdle(loop);
            if (reuse == null) {
                if (open < limit) {
                    opening();
                } else {
                    waiters.removeIf(CompletableFuture::isDone);
                    if (waiters.size() >= queueCapacity) {
                        p.completeExceptionally(new PoolExhaustedException(PoolExhaustedException.Reason.QUEUE_FULL,
                                "all " + limit + " connections to " + key + " are busy and " + queueCapacity
                                        + " requests are already waiting"));
                        return p;
                    }
                    p.queued = true;
                    long since = System.nanoTime();
                    // the wait ends however it ends: a connection, a timeout, an abort, the client's close
                    p.whenComplete((conn, error) -> waited(System.nanoTime(), since));
                    waiters.add(p);
                    return p;
                }
            }
        }
        recent.servedAtOnce(System.nanoTime());
        if (reuse != null) {
            owner.metrics.connectionsReused.increment();
            if (!p.complete(reuse)) {
                release(reuse, true);
            }
        } else {
            connect(p);
        }
        return p;
    }

    private void waited(long now, long since) {
        long nanos = now - since;
        waits.record(nanos);
        recent.waited(nanos, now);
        owner.safetyNet.check(key, limit, recent, flagged, now);
    }

    private ClientConnection pollIdle(EventLoop loop) {
        while (!idle.isEmpty()) {
            int scanned = 0;
            for (Iterator<ClientConnection> it = idle.iterator(); it.hasNext() && scanned < LOCALITY_SCAN; scanned++) {
                ClientConnection c = it.next();
                if (c.loop() == loop && c.isActive()) {
                    it.remove();
                    return c;
                }
            }
            ClientConnection c = idle.pollFirst();
            if (c.isActive()) {
                return c;
            }
            if (c.retire()) {
                open--;
            }
        }
        return null;
    }

    /** A place taken for a connection about to be opened (under the lock). */
    private void opening() {
        open++;
        connecting++;
        peak = Math.max(peak, open);
    }

    private void connect(Pending p) {
        owner.connect(key, p.loop, this).whenComplete((conn, error) -> {
            synchronized (this) {
                connecting--;
                if (error != null) {
                    open--;
                }
            }
            if (error != null) {
                p.completeExceptionally(error);
                promote();
            } else if (!p.complete(conn)) {
                // the call was aborted while its connection was opening: anything aborted is closed
                retire(conn);
            }
        });
    }

    /** An attempt to this host started. */
    void countAttempt() {
        attempts.increment();
    }

    /** A retry to this host started. */
    void countRetry() {
        retries.increment();
    }

    /** The connection's exchange ended: hand it to a waiter, keep it idle, or close it. */
    void release(ClientConnection conn, boolean reusable) {
        if (!reusable || !conn.isActive() || owner.isClosed()) {
            retire(conn);
            return;
        }
        while (true) {
            Pending w;
            synchronized (this) {
                w = waiters.poll();
                if (w == null) {
                    idle.addFirst(conn);
                    return;
                }
            }
            if (w.complete(conn)) {
                owner.metrics.connectionsReused.increment();
                return;
            }
        }
    }

    /** Closes {@code conn} and frees its place (once), letting a waiter open a new connection. */
    void retire(ClientConnection conn) {
        conn.close();
        if (conn.retire()) {
            synchronized (this) {
                idle.remove(conn);
                open--;
            }
            promote();
        }
    }

    /** An idle connection timed out: close it if it is still idle. */
    void evictIfIdle(ClientConnection conn) {
        boolean evict;
        synchronized (this) {
            evict = idle.remove(conn);
        }
        if (evict) {
            retire(conn);
        }
    }

    private void promote() {
        Pending w;
        synchronized (this) {
            do {
                w = waiters.peek();
                if (w == null || open >= limit) {
                    return;
                }
                waiters.poll();
            } while (w.isDone());
            opening();
        }
        connect(w);
    }

    /** Client shutdown: fails the waiting calls and closes the idle connections. */
    void close() {
        Pending w;
        while (true) {
            synchronized (this) {
                w = waiters.poll();
            }
            if (w == null) {
                break;
            }
            w.completeExceptionally(new HttpClientException("the client was closed while the call waited for a connection to " + key));
        }
        ClientConnection c;
        while (true) {
            synchronized (this) {
                c = idle.poll();
            }
            if (c == null) {
                return;
            }
            retire(c);
        }
    }

    ClientStats.HostStats stats() {
        Duration recentP99 = Duration.ofNanos(recent.window(System.nanoTime()).p99Nanos()); // lock-free: outside the lock
        synchronized (this) {
            waiters.removeIf(CompletableFuture::isDone);
            return new ClientStats.HostStats(open, idle.size(), Math.max(0, open - idle.size() - connecting), connecting,
                    waiters.size(), peak, limit, attempts.sum(), retries.sum(), waits.snapshot(), recentP99);
        }
    }
}
