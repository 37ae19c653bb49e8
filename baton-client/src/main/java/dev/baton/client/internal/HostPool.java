package dev.baton.client.internal;

import dev.baton.client.ClientStats;
import dev.baton.client.HttpClientException;
import dev.baton.client.PoolExhaustedException;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connections to one host: for an HTTP/1.1 host at most {@code limit} open (connecting, busy
 * or idle), the idle ones kept most recent first; for an HTTP/2 host one shared connection
 * carrying at most {@code limit} streams (fewer if the server's SETTINGS_MAX_CONCURRENT_STREAMS
 * says so), and a new one once it goes away. Either way a bounded queue of requests waits for a
 * place. State changes are short critical sections under the pool's lock; connecting and
 * completing waiters happen outside it. Counts the host's attempts, retries and the time calls waited in its queue, since
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
    /** The HTTP/2 connections open (the shared one, and those draining after a GOAWAY). */
    private final ArrayList<H2Connection> multiplexed = new ArrayList<>();
    private Mode mode;
    /** The HTTP/2 connection new streams go to; null until one is up, and after it went away. */
    private H2Connection shared;
    private int streams;
    private int open;
    private int connecting;
    private int peak;

    /** What the host speaks, as far as the pool knows. */
    enum Mode {
        HTTP_1_1,
        HTTP_2,
        /** https offering h2: the first connection's ALPN tells; until then one connection opens at a time. */
        NEGOTIATING
    }

    HostPool(HostKey key, int limit, int queueCapacity, Mode mode, ConnectionPool owner) {
        this.key = key;
        this.mode = mode;
        this.limit = limit;
        this.queueCapacity = queueCapacity;
        this.owner = owner;
        this.recent = new RecentWaits(owner.safetyNet.thresholdNanos(), System.nanoTime());
    }

    /** A connection wanted on {@code loop}; {@link #queued} says whether it had to wait in the queue. */
    static final class Pending extends CompletableFuture<Lease> {
        final EventLoop loop;
        volatile boolean queued;

        Pending(EventLoop loop) {
            this.loop = loop;
        }
    }

    /** An idle connection (preferably on {@code loop}), a stream, a new connection, or a place in the queue. */
    Pending acquire(EventLoop loop) {
        Pending p = new Pending(loop);
        Lease lease;
        synchronized (this) {
            lease = mode == Mode.HTTP_1_1 ? pollIdle(loop) : takeStream();
            if (lease == null) {
                if (mode == Mode.HTTP_1_1 ? open < limit : shared == null && connecting == 0) {
                    opening();
                } else {
                    // waiting for the first HTTP/2 connection to come up is no wait for a busy host
                    boolean full = mode == Mode.HTTP_1_1 || shared != null;
                    waiters.removeIf(CompletableFuture::isDone);
                    if (full && waiters.size() >= queueCapacity) {
                        p.completeExceptionally(new PoolExhaustedException(PoolExhaustedException.Reason.QUEUE_FULL,
                                "all " + capacity() + (mode == Mode.HTTP_1_1 ? " connections" : " streams") + " to " + key
                                        + " are busy and " + queueCapacity + " requests are already waiting"));
                        return p;
                    }
                    p.queued = full;
                    long since = System.nanoTime();
                    // the wait ends however it ends: a connection, a timeout, an abort, the client's close
                    p.whenComplete((conn, error) -> waited(System.nanoTime(), since));
                    waiters.add(p);
                    return p;
                }
            }
        }
        recent.servedAtOnce(System.nanoTime());
        if (lease != null) {
            handOver(p, lease);
        } else {
            connect(p);
        }
        return p;
    }

    /** Gives a pooled connection or a stream to {@code p}; takes it back if {@code p} ended meanwhile. */
    private boolean handOver(Pending p, Lease lease) {
        if (p.complete(lease)) {
            owner.metrics.connectionsReused.increment();
            return true;
        }
        if (lease instanceof ClientConnection c) {
            release(c, true);
        } else {
            releaseStream((H2Connection) lease);
        }
        return false;
    }

    /** A stream on the shared HTTP/2 connection if it has room, else null (under the lock). */
    private H2Connection takeStream() {
        H2Connection c = shared;
        if (c == null || !c.isUsable() || streams >= limit || c.active >= c.maxStreams()) {
            return null;
        }
        c.active++;
        streams++;
        return c;
    }

    /** How many calls may run at once (under the lock): the limit, or the server's stream limit if lower. */
    private long capacity() {
        return shared == null ? limit : Math.min(limit, shared.maxStreams());
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
        owner.connect(key, p.loop, this, mode == Mode.HTTP_2).whenComplete((lease, error) -> {
            if (error != null) {
                synchronized (this) {
                    connecting--;
                    open--;
                }
                p.completeExceptionally(error);
                promote();
                return;
            }
            if (lease instanceof H2Connection c) {
                Lease mine;
                synchronized (this) {
                    connecting--;
                    mode = Mode.HTTP_2;
                    multiplexed.add(c);
                    shared = c;
                    mine = takeStream();
                    if (mine == null) {
                        waiters.addFirst(p); // a server that allows no stream yet: wait for its next SETTINGS
                    }
                }
                if (mine != null && !p.complete(mine)) {
                    releaseStream(c);
                }
            } else {
                synchronized (this) {
                    connecting--;
                    mode = Mode.HTTP_1_1; // ALPN chose http/1.1 (or offered nothing)
                }
                if (!p.complete(lease)) {
                    // the call was aborted while its connection was opening: anything aborted is closed
                    retire((ClientConnection) lease);
                }
            }
            promote(); // the calls that waited for the first connection
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

    /** Serves the waiting calls with the room there is: streams, or new connections. */
    private void promote() {
        while (true) {
            Pending w;
            Lease lease;
            synchronized (this) {
                w = waiters.peek();
                if (w == null) {
                    return;
                }
                if (w.isDone()) {
                    waiters.poll();
                    continue;
                }
                if (mode == Mode.HTTP_1_1) {
                    if (open >= limit) {
                        return;
                    }
                    lease = null;
                } else {
                    lease = takeStream();
                    if (lease == null && (shared != null || connecting > 0)) {
                        return;
                    }
                }
                waiters.poll();
                if (lease == null) {
                    opening();
                }
            }
            if (lease == null) {
                connect(w);
            } else {
                handOver(w, lease);
            }
        }
    }

    /** A stream on {@code c} ended: its place goes to a waiting call; a connection that went away closes with its last stream. */
    void releaseStream(H2Connection c) {
        boolean drained;
        synchronized (this) {
            c.active--;
            streams--;
            drained = c.active == 0 && c != shared;
        }
        if (drained) {
            retire(c);
        }
        promote();
    }

    /** The server of {@code c} sent GOAWAY: its streams finish there, new ones go to a new connection. */
    void goingAway(H2Connection c) {
        boolean drained;
        synchronized (this) {
            if (shared == c) {
                shared = null;
            }
            drained = c.active == 0;
        }
        if (drained) {
            retire(c);
        }
        promote();
    }

    /** The server changed its SETTINGS (its stream limit, say). */
    void settingsChanged() {
        promote();
    }

    /** Closes {@code c} and frees its place (once). */
    void retire(H2Connection c) {
        c.close();
        if (c.retire()) {
            synchronized (this) {
                multiplexed.remove(c);
                if (shared == c) {
                    shared = null;
                }
                open--;
            }
            promote();
        }
    }

    /** {@code c} has been idle for the idle timeout: close it if no stream runs on it. */
    void evictIfIdle(H2Connection c) {
        synchronized (this) {
            if (c.active > 0) {
                return;
            }
            if (shared == c) {
                shared = null;
            }
        }
        retire(c);
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
                break;
            }
            retire(c);
        }
        List<H2Connection> h2;
        synchronized (this) {
            h2 = List.copyOf(multiplexed);
        }
        h2.forEach(this::retire);
    }

    ClientStats.HostStats stats() {
        Duration recentP99 = Duration.ofNanos(recent.window(System.nanoTime()).p99Nanos()); // lock-free: outside the lock
        synchronized (this) {
            waiters.removeIf(CompletableFuture::isDone);
            int unused = idle.size() + (int) multiplexed.stream().filter(c -> c.active == 0).count();
            return new ClientStats.HostStats(open, unused, Math.max(0, open - unused - connecting), connecting,
                    waiters.size(), peak, limit, streams, attempts.sum(), retries.sum(), waits.snapshot(), recentP99);
        }
    }
}
