package dev.baton.operations.store;

import dev.baton.operations.OperationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The default store: everything in this process's memory, nothing survives it. Each operation's
 * writes are serialized on its own lock; reads never block.
 *
 * <pre>{@code OperationsConfig.builder().store(new InMemoryOperationStore()).build()}</pre>
 */
public final class InMemoryOperationStore implements OperationStore {
    private static final Comparator<OperationQuery.Cursor> NEWEST_FIRST = Comparator
            .comparingLong(OperationQuery.Cursor::createdNanos).reversed()
            .thenComparing(OperationQuery.Cursor::id, Comparator.reverseOrder());

    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> byKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<OperationQuery.Cursor, Entry> byAge = new ConcurrentSkipListMap<>(NEWEST_FIRST);
    /** Not-started operations by when they may run, then by arrival. Guarded by itself. */
    private final PriorityQueue<Queued> runnable = new PriorityQueue<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final int maxEvents;

    /** A store that keeps up to 1000 events per operation. */
    public InMemoryOperationStore() {
        this(1000);
    }

    /**
     * @param maxEventsPerOperation past it, the older half of an operation's progress events is
     *        dropped: each event carries the whole state, so a client resuming from an old id
     *        still gets every status change and the latest progress, in order
     */
    public InMemoryOperationStore(int maxEventsPerOperation) {
        if (maxEventsPerOperation < 10) {
            throw new IllegalArgumentException("keep at least 10 events per operation, not " + maxEventsPerOperation);
        }
        this.maxEvents = maxEventsPerOperation;
    }

    @Override
    public CompletionStage<Created> create(OperationRecord record) {
        if (record.version() != 1 || record.status() != OperationStatus.NOT_STARTED) {
            throw new IllegalArgumentException("a new operation is not started, at version 1: " + record);
        }
        String key = record.idempotencyKey() == null ? null : scopedKey(record.owner(), record.idempotencyKey());
        if (key != null) {
            String existing = byKey.putIfAbsent(key, record.id());
            if (existing != null) {
                Entry e = byId.get(existing);
                if (e == null) { // its first request is between taking the key and storing the operation
                    return CompletableFuture.failedFuture(new IdempotencyConflictException(false, existing,
                            "a request with this Idempotency-Key is still being processed"));
                }
                OperationRecord r = e.record;
                if (!r.fingerprint().equals(record.fingerprint())) {
                    return CompletableFuture.failedFuture(new IdempotencyConflictException(true, r.id(),
                            "the Idempotency-Key was used for another request"));
                }
                return CompletableFuture.completedFuture(new Created(r, false));
            }
        }
        Entry e = new Entry(record.id(), OperationQuery.Cursor.of(record));
        synchronized (e) {
            OperationRecord first = withEvent(record, 1);
            e.record = first;
            e.events.add(new OperationEvent(1, OperationEvent.STATUS, first));
        }
        byId.put(record.id(), e);
        byAge.put(e.cursor, e);
        synchronized (runnable) {
            runnable.add(new Queued(Long.MIN_VALUE, arrivals.incrementAndGet(), e));
        }
        return CompletableFuture.completedFuture(new Created(e.record, true));
    }

    @Override
    public CompletionStage<Optional<OperationRecord>> get(String id) {
        Entry e = byId.get(id);
        return CompletableFuture.completedFuture(e == null ? Optional.empty() : Optional.of(e.record));
    }

    @Override
    public CompletionStage<OperationPage> list(OperationQuery q) {
        var view = q.after() == null ? byAge : byAge.tailMap(q.after(), false);
        List<OperationRecord> items = new ArrayList<>(q.pageSize());
        OperationQuery.Cursor last = null;
        boolean more = false;
        for (Entry e : view.values()) {
            OperationRecord r = e.record;
            if (!java.util.Objects.equals(r.owner(), q.owner())
                    || !q.statuses().isEmpty() && !q.statuses().contains(r.status())
                    || q.type() != null && !q.type().equals(r.type())) {
                continue;
            }
            if (items.size() == q.pageSize()) {
                more = true;
                break;
            }
            items.add(r);
            last = e.cursor;
        }
        return CompletableFuture.completedFuture(new OperationPage(items, more ? last : null));
    }

    @Override
    public CompletionStage<Optional<OperationRecord>> update(OperationRecord next, String eventKind) {
        Entry e = byId.get(next.id());
        if (e == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        OperationRecord stored;
        synchronized (e) {
            if (e.record.version() != next.version() - 1) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            stored = eventKind == null ? next : withEvent(next, e.record.lastEventId() + 1);
            boolean requeue = stored.status() == OperationStatus.NOT_STARTED && e.record.status() != OperationStatus.NOT_STARTED;
            e.record = stored;
            if (eventKind != null) {
                OperationEvent event = new OperationEvent(stored.lastEventId(), eventKind, stored);
                e.events.add(event);
                compact(e);
                for (Consumer<OperationEvent> l : e.listeners) {
                    notify(l, event);
                }
            }
            if (requeue) {
                synchronized (runnable) {
                    long at = stored.notBefore() == null ? Long.MIN_VALUE : stored.notBefore().toEpochMilli();
                    runnable.add(new Queued(at, arrivals.incrementAndGet(), e));
                }
            }
        }
        return CompletableFuture.completedFuture(Optional.of(stored));
    }

    @Override
    public CompletionStage<List<OperationRecord>> claim(String node, int max, Instant now, Duration lease) {
        List<OperationRecord> claimed = new ArrayList<>();
        long nowMillis = now.toEpochMilli();
        while (claimed.size() < max) {
            Entry e;
            synchronized (runnable) {
                Queued head = runnable.peek();
                if (head == null || head.notBefore > nowMillis) {
                    break;
                }
                e = runnable.poll().entry;
            }
            synchronized (e) {
                OperationRecord r = e.record;
                if (r.status() != OperationStatus.NOT_STARTED || byId.get(r.id()) != e) {
                    continue; // cancelled while queued, or purged
                }
                OperationRecord next = r.toBuilder().status(OperationStatus.RUNNING).attempts(r.attempts() + 1)
                        .startedAt(r.startedAt() != null ? r.startedAt() : now).notBefore(null)
                        .lease(node, now.plus(lease)).fencingToken(r.fencingToken() + 1).build();
                next = withEvent(next, r.lastEventId() + 1);
                e.record = next;
                OperationEvent event = new OperationEvent(next.lastEventId(), OperationEvent.STATUS, next);
                e.events.add(event);
                for (Consumer<OperationEvent> l : e.listeners) {
                    notify(l, event);
                }
                claimed.add(next);
            }
        }
        return CompletableFuture.completedFuture(claimed);
    }

    @Override
    public CompletionStage<List<OperationEvent>> events(String id, long afterEventId) {
        Entry e = byId.get(id);
        if (e == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        synchronized (e) {
            int from = firstAfter(e.events, afterEventId);
            return CompletableFuture.completedFuture(List.copyOf(e.events.subList(from, e.events.size())));
        }
    }

    @Override
    public Subscription subscribe(String id, Consumer<OperationEvent> listener) {
        Entry e = byId.get(id);
        if (e == null) {
            return () -> { };
        }
        e.listeners.add(listener);
        return () -> e.listeners.remove(listener);
    }

    @Override
    public CompletionStage<Integer> purge(Instant finishedBefore) {
        int n = 0;
        for (Entry e : byId.values()) {
            OperationRecord r = e.record;
            if (r.isTerminal() && r.finishedAt() != null && r.finishedAt().isBefore(finishedBefore)) {
                // the key first: a key without its operation means "being created" to create()
                if (r.idempotencyKey() != null) {
                    byKey.remove(scopedKey(r.owner(), r.idempotencyKey()), r.id());
                }
                if (byId.remove(r.id(), e)) {
                    byAge.remove(e.cursor);
                    n++;
                }
            }
        }
        return CompletableFuture.completedFuture(n);
    }

    /** The position of the first event with an id above {@code after} (ids increase; compaction leaves holes). */
    private static int firstAfter(List<OperationEvent> events, long after) {
        int lo = 0;
        int hi = events.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (events.get(mid).id() <= after) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Drops the older half's progress events once past the cap; status changes and the newest events stay. */
    private void compact(Entry e) {
        if (e.events.size() <= maxEvents) {
            return;
        }
        int half = e.events.size() / 2;
        List<OperationEvent> kept = new ArrayList<>(e.events.size());
        for (int i = 0; i < e.events.size(); i++) {
            OperationEvent ev = e.events.get(i);
            if (i >= half || !OperationEvent.PROGRESS.equals(ev.kind())) {
                kept.add(ev);
            }
        }
        e.events.clear();
        e.events.addAll(kept);
    }

    /** How many operations it holds (for tests and the memory benchmark). */
    public int size() {
        return byId.size();
    }

    private static void notify(Consumer<OperationEvent> listener, OperationEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException ex) {
            org.slf4j.LoggerFactory.getLogger(InMemoryOperationStore.class).warn("an operation event listener failed", ex);
        }
    }

    private static OperationRecord withEvent(OperationRecord r, long eventId) {
        return r.withLastEventId(eventId);
    }

    private static String scopedKey(String owner, String key) {
        return (owner == null ? "" : owner.length() + ":" + owner) + "|" + key;
    }

    private static final class Entry {
        final String id;
        final OperationQuery.Cursor cursor;
        volatile OperationRecord record;
        final List<OperationEvent> events = new ArrayList<>(4);
        final List<Consumer<OperationEvent>> listeners = new CopyOnWriteArrayList<>();

        Entry(String id, OperationQuery.Cursor cursor) {
            this.id = id;
            this.cursor = cursor;
        }
    }

    private record Queued(long notBefore, long arrival, Entry entry) implements Comparable<Queued> {
        @Override
        public int compareTo(Queued o) {
            int c = Long.compare(notBefore, o.notBefore);
            return c != 0 ? c : Long.compare(arrival, o.arrival);
        }
    }
}
