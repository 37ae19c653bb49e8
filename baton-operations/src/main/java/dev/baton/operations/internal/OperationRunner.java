package dev.baton.operations.internal;

import dev.baton.internal.Futures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.context.CancellationReason;
import dev.baton.context.RequestContext;
import dev.baton.http.HttpException;
import dev.baton.operations.OperationStatus;
import dev.baton.operations.OperationType;
import dev.baton.operations.OperationsConfig;
import dev.baton.operations.OperationsStats;
import dev.baton.operations.store.OperationEvent;
import dev.baton.operations.store.OperationRecord;
import dev.baton.operations.store.OperationStore;
import dev.baton.operations.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs operations on this node: claims them from the store while it has room, runs each
 * handler on a virtual thread (an asynchronous one holds none while it waits), enforces timeouts
 * and cancellation, retries, and writes every outcome exactly once.
 */
public final class OperationRunner {
    private static final Logger log = LoggerFactory.getLogger(OperationRunner.class);

    final OperationsConfig config;
    final OperationStore store;
    final ObjectMapper json;
    final OperationMetrics metrics = new OperationMetrics();
    private final Map<String, OperationType<?>> types;
    /** Work of operations started by a route's {@code Prefer: respond-async}: held here, run here. */
    private final Map<String, RouteWork> routeWork = new ConcurrentHashMap<>();
    private final Map<String, Attempt> running = new ConcurrentHashMap<>();
    private final Set<String> reportedUncooperative = ConcurrentHashMap.newKeySet();
    private final String node = "node-" + OperationIds.next().substring(0, 8);
    private final ScheduledExecutorService timer;
    private final ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("baton-op-", 1).factory());
    private final ClaimLoop claims;
    private final Outcomes outcomes = new Outcomes(this::now);
    private final java.util.concurrent.atomic.AtomicReference<Instant> lastCreated = new java.util.concurrent.atomic.AtomicReference<>(Instant.EPOCH);
    private volatile boolean stopping;

    public OperationRunner(OperationsConfig config, Map<String, OperationType<?>> types, ObjectMapper json) {
        this.config = config;
        this.store = config.store();
        this.types = Map.copyOf(types);
        this.json = json;
        // build each input type's deserializer now, not in the first request (class loading is slow)
        types.values().forEach(t -> json.canDeserialize(json.constructType(t.inputType())));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "baton-operations-timer");
            t.setDaemon(true);
            return t;
        });
        this.claims = new ClaimLoop(store, node, config.lease(), this::now, () -> stopping ? 0 : config.maxRunning() - running.size(),
                this::started, () -> {
                    // nothing runnable is left in a shared store: what this node created may have run elsewhere
                    if (store.isDurable()) {
                        metrics.queued.set(0);
                    }
                }, timer);
    }

    /** Starts the background duties: retention, and polling the store for work other nodes queued or retries due. */
    public void start() {
        long sweep = Math.max(1000, Math.min(config.retention().toMillis(), 60_000));
        // a periodic task that throws is never run again: these must not
        timer.scheduleWithFixedDelay(() -> guarded("retention", this::purge), sweep, sweep, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> guarded("polling", this::pump), 250, 250, TimeUnit.MILLISECONDS);
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("operations {} failed; it runs again at its next tick", what, e);
        }
    }

    public OperationType<?> type(String name) {
        return types.get(name);
    }

    public Set<String> typeNames() {
        return types.keySet();
    }

    public boolean isStopping() {
        return stopping;
    }

    public OperationsStats stats() {
        return metrics.snapshot();
    }

    /** In microseconds, what a database keeps (PostgreSQL's timestamptz): a record reads back as it was written. */
    Instant now() {
        return config.clock().instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Creation times strictly increase on a node, so that newest-first is creation order even within a clock tick. */
    private Instant createdNow() {
        Instant now = now();
        return lastCreated.accumulateAndGet(now, (last, next) -> next.isAfter(last) ? next : last.plus(1, ChronoUnit.MICROS));
    }

    /** True if a finished operation has outlived its retention: it reads as gone even before the sweep. */
    public boolean expired(OperationRecord r) {
        return r.isTerminal() && r.finishedAt() != null && r.finishedAt().plus(config.retention()).isBefore(now());
    }

    /** Creates an operation (or finds the one its idempotency key made) and wakes the runner. */
    public CompletionStage<OperationStore.Created> create(String type, String owner, JsonNode input, String key,
                                                          String fingerprint, RouteWork work) {
        if (stopping) {
            throw new HttpException(503, "the server is stopping: no new operation starts");
        }
        // counted as queued before it is stored: a claim may take it before the store's stage completes
        if (metrics.queued.incrementAndGet() > config.maxQueued()) {
            metrics.dequeued();
            metrics.rejected.increment();
            throw new HttpException(503, "too many operations are waiting (" + config.maxQueued() + "); try again later");
        }
        OperationRecord record = OperationRecord.created(OperationIds.next(), type, owner, input, key, fingerprint, createdNow());
        if (work != null) {
            routeWork.put(record.id(), work);
        }
        CompletionStage<OperationStore.Created> stored;
        try {
            stored = store.create(record);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        return stored.thenApply(created -> {
            if (created.isNew()) {
                metrics.created.increment();
                pump();
            } else {
                metrics.dequeued(); // a replay: nothing new waits
                if (work != null) {
                    routeWork.remove(record.id());
                }
            }
            return created;
        }).whenComplete((c, e) -> {
            if (e != null) {
                metrics.dequeued();
                if (work != null) {
                    routeWork.remove(record.id());
                }
            }
        });
    }

    /**
     * Cancels: a queued operation at once, a running one by firing its token (here, or through
     * the store's cancel flag where another node runs it). Completes with the record after it.
     */
    public CompletionStage<OperationRecord> cancel(OperationRecord r) {
        if (r.isTerminal()) {
            return CompletableFuture.completedFuture(r);
        }
        Attempt local = running.get(r.id());
        if (local != null && !local.decided.get()) {
            local.token.cancel(CancellationReason.CANCEL_REQUESTED);
            return local.writer.write(x -> x.isTerminal() || x.cancelRequested() ? null
                    : x.toBuilder().cancelRequested(true).build(), OperationEvent.STATUS)
                    .thenCompose(w -> w.isPresent() ? CompletableFuture.completedFuture(w.get())
                            // the attempt let go meanwhile (a retry queued, say): cancel what is there now
                            : store.get(r.id()).thenCompose(fresh -> fresh.isPresent() && !fresh.get().isTerminal()
                                    && !fresh.get().cancelRequested() && running.get(r.id()) != local
                                    ? cancel(fresh.get()) : CompletableFuture.completedFuture(fresh.orElse(r))));
        }
        OperationRecord next = r.status() == OperationStatus.NOT_STARTED
                ? outcomes.terminal(r, OperationStatus.CANCELED, null, OperationProblems.canceled(CancellationReason.CANCEL_REQUESTED))
                : r.toBuilder().cancelRequested(true).build();
        String kind = next.isTerminal() ? next.status().wireName() : OperationEvent.STATUS;
        if (r.cancelRequested() && !next.isTerminal()) {
            return CompletableFuture.completedFuture(r);
        }
        return store.update(next, kind).thenCompose(stored -> {
            if (stored.isEmpty()) { // changed meanwhile (claimed, finished): decide again on the fresh record
                return store.get(r.id()).thenCompose(fresh -> fresh.isPresent() ? cancel(fresh.get()) : CompletableFuture.completedFuture(r));
            }
            if (stored.get().isTerminal()) {
                metrics.dequeued();
                metrics.canceled.increment();
                routeWork.remove(r.id());
            } else {
                // claimed here between our read and our write: begin() re-reads too, so one of us fires
                Attempt started = running.get(r.id());
                if (started != null) {
                    started.token.cancel(CancellationReason.CANCEL_REQUESTED);
                }
            }
            return CompletableFuture.completedFuture(stored.get());
        });
    }

    private CompletionStage<OperationRecord> reread(OperationRecord r) {
        return store.get(r.id()).thenApply(fresh -> fresh.orElse(r));
    }

    /** Claims what fits in the free slots (see {@link ClaimLoop}). */
    void pump() {
        claims.pump();
    }

    /** Starts what a claim brought; one that cannot start stays claimed until its lease lapses. */
    private void started(OperationRecord r) {
        metrics.dequeued();
        try {
            begin(r);
        } catch (RuntimeException failed) { // stopping (executors shut), say: another run takes it
            log.warn("could not start {} ({}); it stays claimed until its lease lapses", r.id(), failed.toString());
            running.remove(r.id());
        }
    }

    private void begin(OperationRecord claimed) {
        OperationType<?> type = types.get(claimed.type());
        RouteWork work = routeWork.get(claimed.id());
        Duration timeout = type != null && type.timeout() != null ? type.timeout() : config.defaultTimeout();
        Attempt a = new Attempt(claimed, store, node, timeout, config.progressInterval(), timer, json,
                metrics.fencedWrites::increment);
        running.put(claimed.id(), a);
        metrics.running.incrementAndGet();
        a.token.onCancel(why -> timer.schedule(() -> abandonIfStuck(a, why), config.cancelGrace().toNanos(), TimeUnit.NANOSECONDS));
        a.arm(config.lease(), store.isDurable(), config.clock());
        if (claimed.cancelRequested()) {
            a.token.cancel(CancellationReason.CANCEL_REQUESTED);
        } else {
            // a DELETE that raced the claim wrote its flag on the record we now hold an older copy of
            store.get(claimed.id()).thenAccept(fresh -> fresh.filter(OperationRecord::cancelRequested)
                    .ifPresent(f -> a.token.cancel(CancellationReason.CANCEL_REQUESTED)));
        }
        int maxAttempts = type == null ? 1 : type.maxAttempts();
        if (claimed.rescues() > 0 && claimed.attempts() > maxAttempts) {
            // its node was lost with the last attempt it was allowed: running it again would exceed the type's promise
            a.decided.set(true);
            a.disarm();
            a.ended.complete(RequestContext.Outcome.FAILED);
            write(a, outcomes.terminal(claimed, OperationStatus.FAILED, null,
                    OperationProblems.nodeLost(claimed.rescues(), maxAttempts)), OperationStatus.FAILED.wireName());
            return;
        }
        handlers.execute(() -> {
            Object value;
            try {
                if (work != null) {
                    value = work.run(a);
                } else if (type == null) {
                    throw new IllegalStateException(claimed.type().contains(" ")
                            ? "the request that started this operation was held by a node that is gone"
                            : "no operation type '" + claimed.type() + "' on this node");
                } else {
                    value = invoke(type, claimed, a);
                }
            } catch (Throwable t) {
                finish(a, null, t, work);
                return;
            }
            if (value instanceof CompletionStage<?> stage) {
                // a fired token cancels the stage (for a minimal stage: its copy, which then decides the outcome)
                CompletableFuture<?> f;
                try {
                    f = stage.toCompletableFuture();
                } catch (UnsupportedOperationException foreign) { // a stage that cannot be one: follow it as it is
                    stage.whenComplete((v, e) -> finish(a, v, e, work));
                    return;
                }
                a.token.onCancel(why -> f.cancel(false));
                f.whenComplete((v, e) -> finish(a, v, e, work));
            } else {
                finish(a, value, null, work);
            }
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object invoke(OperationType type, OperationRecord r, Attempt a) throws Exception {
        Object input;
        try {
            input = type.inputType() == Void.class || r.input() == null || r.input().isNull() ? null
                    : json.treeToValue(r.input(), type.inputType());
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new HttpException(400, "the stored input no longer binds to " + type.inputType().getSimpleName());
        }
        return type.handler().run(input, a);
    }

    /** The handler ended: decide the outcome once, write it, free the slot. */
    private void finish(Attempt a, Object value, Throwable error, RouteWork work) {
        Throwable cause = Futures.unwrap(error);
        if (!a.decided.compareAndSet(false, true)) {
            // abandoned past its grace: its outcome is dropped, a waiting Prefer: wait included
            metrics.lateResults.increment();
            log.debug("{} ended after it was abandoned; its outcome is dropped", a);
            return;
        }
        if (work != null) {
            work.settle(value, cause);
        }
        a.disarm();
        OperationRecord r = a.writer.current();
        CancellationReason why = a.token.reason().orElse(null);
        a.ended.complete(cause == null ? RequestContext.Outcome.RESPONDED : why == CancellationReason.TIMEOUT
                ? RequestContext.Outcome.TIMED_OUT : why == CancellationReason.SHUTDOWN ? RequestContext.Outcome.SHUT_DOWN
                : RequestContext.Outcome.FAILED);
        OperationType<?> type = types.get(r.type());
        OperationRecord next;
        String kind;
        if (cause == null) {
            JsonNode result;
            try {
                result = ResultJson.of(value, json);
                next = outcomes.terminal(r, OperationStatus.SUCCEEDED, result, null);
            } catch (Exception e) {
                next = failedOrRetry(a, r, type, e);
            }
        } else if (why == CancellationReason.SHUTDOWN && store.isDurable()) {
            next = outcomes.release(r);
        } else if (why == CancellationReason.TIMEOUT) {
            next = failedOrRetry(a, r, type, new Outcomes.TimeoutFailure(a.timeout));
        } else if (why != null || cause instanceof CancellationException) {
            next = outcomes.terminal(r, OperationStatus.CANCELED, null, OperationProblems.canceled(why));
        } else {
            next = failedOrRetry(a, r, type, cause);
        }
        if (next.isTerminal()) { // the last progress reported goes out with the outcome
            next = next.toBuilder().message(a.lastMessage())
                    .percentComplete(next.status() == OperationStatus.SUCCEEDED ? 100 : a.lastPercent()).build();
        }
        next = next.toBuilder().checkpoint(a.lastCheckpointJson()).build();
        kind = next.isTerminal() ? next.status().wireName() : OperationEvent.STATUS;
        write(a, next, kind);
    }

    /** A handler that ignored its token past the grace: marked terminal anyway, its slot freed, reported once per type. */
    private void abandonIfStuck(Attempt a, CancellationReason why) {
        if (!a.decided.compareAndSet(false, true)) {
            return;
        }
        a.abandoned = true;
        a.disarm();
        a.ended.complete(why == CancellationReason.TIMEOUT ? RequestContext.Outcome.TIMED_OUT
                : why == CancellationReason.SHUTDOWN ? RequestContext.Outcome.SHUT_DOWN : RequestContext.Outcome.FAILED);
        metrics.uncooperative.increment();
        if (reportedUncooperative.add(a.type())) {
            log.warn("{} ignored its cancellation ({}) for {}; it was marked {} and its late result will be dropped. "
                    + "Fix: check op.cancellation() in loops (throwIfCancelled) and pass it to the calls it waits on.",
                    a, why, OperationProblems.human(config.cancelGrace()), why == CancellationReason.TIMEOUT ? "failed" : "canceled");
        }
        OperationRecord r = a.writer.current();
        OperationRecord next = why == CancellationReason.TIMEOUT
                ? outcomes.terminal(r, OperationStatus.FAILED, null, OperationProblems.timedOut(a.timeout))
                : outcomes.terminal(r, OperationStatus.CANCELED, null, OperationProblems.canceled(why));
        RouteWork work = routeWork.get(a.id()); // before the write, which forgets it
        if (work != null) {
            work.settle(null, new CancellationException("abandoned after " + why));
        }
        write(a, next, next.status().wireName());
    }

    private void write(Attempt a, OperationRecord planned, String kind) {
        write(a, planned, kind, 0);
    }

    /**
     * Writes an attempt's outcome, again and again while the store fails (a database outage): the
     * slot stays taken until it lands, or until the write finds another node's claim (then that
     * node owns the outcome). A stop that ends the process first leaves the lease to lapse, and
     * another node runs the operation again.
     */
    private void write(Attempt a, OperationRecord planned, String kind, int failures) {
        a.writer.write(current -> current.isTerminal() ? null : outcomes.rebase(current, planned), kind).whenComplete((stored, e) -> {
            // what was stored counts (a retry may have become a cancel); nothing stored, nothing counted
            OperationStatus status = stored != null && stored.isPresent() ? stored.get().status() : null;
            if (e != null && Futures.unwrap(e) instanceof StoreUnavailableException) {
                if (failures == 0) {
                    log.warn("writing the outcome of {} failed; retrying until the store takes it", a, Futures.unwrap(e));
                }
                long delay = Math.min(5000, 100L << Math.min(6, failures));
                try {
                    timer.schedule(() -> write(a, planned, kind, failures + 1), delay, TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    log.warn("{} stopped before its outcome was stored; its lease will lapse and another node runs it", a);
                }
            } else if (e != null) {
                log.warn("writing the outcome of {} failed", a, e);
            }
            running.remove(a.id(), a);
            metrics.running.decrementAndGet();
            if (a.writer.fenced()) {
                routeWork.remove(a.id()); // another node owns the outcome now; this one's was refused and counted
            } else if (status == null) {
                routeWork.remove(a.id());
            } else if (status.isTerminal()) {
                routeWork.remove(a.id());
                metrics.durations.record(System.nanoTime() - a.startNanos, status != OperationStatus.SUCCEEDED);
                (status == OperationStatus.SUCCEEDED ? metrics.succeeded : status == OperationStatus.FAILED
                        ? metrics.failed : metrics.canceled).increment();
            } else if (status == OperationStatus.NOT_STARTED) {
                metrics.queued.incrementAndGet();
                if (planned.notBefore() != null) {
                    long delay = Math.max(0, planned.notBefore().toEpochMilli() - now().toEpochMilli());
                    timer.schedule(this::pump, delay, TimeUnit.MILLISECONDS);
                }
            }
            pump();
        });
    }

    /** A failed attempt: logged unless the handler chose its status, then retried or failed for good. */
    private OperationRecord failedOrRetry(Attempt a, OperationRecord r, OperationType<?> type, Throwable cause) {
        if (!(cause instanceof Outcomes.TimeoutFailure) && !(cause instanceof HttpException)) {
            log.warn("{} failed", a, cause);
        }
        OperationRecord next = outcomes.failedOrRetry(r, type, cause, stopping);
        if (next.status() == OperationStatus.NOT_STARTED) {
            metrics.retried.increment();
        }
        return next;
    }

    private void purge() {
        store.purge(now().minus(config.retention())).whenComplete((n, e) -> {
            if (e != null) {
                log.warn("purging finished operations failed", e);
            }
        });
    }

    /**
     * Graceful stop: no new operation starts; running ones get {@code grace}, then their tokens
     * fire with {@code SHUTDOWN} and they get {@code cancelGrace} more. Queued operations of a
     * store that does not outlive the process are canceled.
     */
    public void stop(Duration grace) {
        stopping = true;
        long end = System.nanoTime() + grace.toNanos();
        awaitIdle(end);
        running.values().forEach(a -> a.token.cancel(CancellationReason.SHUTDOWN));
        awaitIdle(System.nanoTime() + config.cancelGrace().toNanos() + TimeUnit.MILLISECONDS.toNanos(200));
        if (!store.isDurable()) {
            cancelQueued();
        }
        timer.shutdown();
        handlers.shutdown();
    }

    private void awaitIdle(long endNanos) {
        while (!running.isEmpty() && System.nanoTime() < endNanos) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private void cancelQueued() {
        List<OperationRecord> queued = store.claim(node + "-stop", Integer.MAX_VALUE, now().plus(Duration.ofDays(365L * 1000)), config.lease())
                .toCompletableFuture().join();
        for (OperationRecord r : queued) {
            store.update(outcomes.terminal(r, OperationStatus.CANCELED, null, OperationProblems.canceled(CancellationReason.SHUTDOWN)),
                    OperationStatus.CANCELED.wireName());
            metrics.dequeued();
            metrics.canceled.increment();
        }
    }

    Optional<RouteWork> routeWork(String id) {
        return Optional.ofNullable(routeWork.get(id));
    }
}
