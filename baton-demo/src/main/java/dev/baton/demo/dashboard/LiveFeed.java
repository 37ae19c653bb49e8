package dev.baton.demo.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Server;
import dev.baton.http.EventEmitter;
import dev.baton.http.SseEvent;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sample a second, sent to every open dashboard. A single timer on one of the server's event
 * loops (it ends with the server) hands each tick to a virtual thread, which takes the sample
 * once for all subscribers, from the first subscription on: the event loop does no more than
 * the timer, and a slow sample (a cold JVM's first) delays no connection. The last two minutes are kept, so a new page, or
 * one that reconnects with {@code Last-Event-ID}, gets its charts filled at once.
 */
final class LiveFeed {
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    static final int HISTORY = 120;
    /**
     * Samples a client may leave unsent (a replayed history, then a few seconds' worth) before it
     * is dropped: one that stopped reading must not pile them up. Its page reconnects and resumes.
     */
    private static final int MAX_UNSENT = HISTORY + 16;

    private final Supplier<Server> server;
    private final Sampler sampler;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** Not a monitor: the ticks run on virtual threads, which a monitor would pin on Java 21. */
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Sent> history = new ArrayDeque<>(); // guarded by lock
    private ScheduledFuture<?> ticker; // guarded by lock
    private final AtomicBoolean ticking = new AtomicBoolean();
    /** The event streams open now, each a request in flight that the samples leave out. */
    private final AtomicInteger open = new AtomicInteger();

    private record Sent(long seq, String id, String json) {
    }

    LiveFeed(Supplier<Server> server, Sampler sampler) {
        this.server = server;
        this.sampler = sampler;
    }

    /**
     * Sends the samples kept so far that come after {@code lastEventId} (all of them for null or
     * another feed's id), then each new one, until the stream ends.
     */
    void subscribe(EventEmitter emitter, String lastEventId) {
        long lastSeen = seqOf(lastEventId);
        Subscriber s = new Subscriber(emitter);
        open.incrementAndGet();
        emitter.onClose(() -> {
            subscribers.remove(s);
            open.decrementAndGet();
        });
        lock.lock();
        try {
            if (ticker == null) {
                ticker = server.get().eventLoopGroup().next().scheduleAtFixedRate(this::startTick, 0, 1, TimeUnit.SECONDS);
            }
            for (Sent sent : history) {
                if (sent.seq > lastSeen) {
                    s.send(sent);
                }
            }
            subscribers.add(s);
        } finally {
            lock.unlock();
        }
        if (!emitter.isOpen()) {
            subscribers.remove(s); // closed before it was added: its onClose has run already
        }
    }

    /** The dashboard's event streams open now. */
    int openStreams() {
        return open.get();
    }

    private long seqOf(String eventId) {
        String prefix = sampler.feed() + "-";
        if (eventId == null || !eventId.startsWith(prefix)) {
            return 0;
        }
        try {
            return Long.parseLong(eventId.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** On the event loop: skips a second whose previous tick is still running. */
    private void startTick() {
        if (ticking.compareAndSet(false, true)) {
            Thread.ofVirtual().name("baton-dashboard-tick").start(() -> {
                try {
                    tick();
                } finally {
                    ticking.set(false);
                }
            });
        }
    }

    private void tick() {
        try {
            Sample sample = sampler.next(open.get());
            Sent sent = new Sent(sample.seq(), sample.feed() + "-" + sample.seq(), json.writeValueAsString(sample));
            lock.lock();
            try {
                history.addLast(sent);
                if (history.size() > HISTORY) {
                    history.removeFirst();
                }
                for (Subscriber s : subscribers) {
                    s.send(sent);
                }
            } finally {
                lock.unlock();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("the dashboard could not take a sample", e);
        }
    }

    private final class Subscriber {
        private final EventEmitter emitter;
        private final AtomicInteger unsent = new AtomicInteger();

        Subscriber(EventEmitter emitter) {
            this.emitter = emitter;
        }

        void send(Sent sent) {
            if (!emitter.isOpen()) {
                subscribers.remove(this);
            } else if (unsent.incrementAndGet() > MAX_UNSENT) {
                emitter.close();
            } else {
                emitter.send(SseEvent.of(sent.json).withId(sent.id))
                        .whenComplete((v, e) -> unsent.decrementAndGet());
            }
        }
    }
}
