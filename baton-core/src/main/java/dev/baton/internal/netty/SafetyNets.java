package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.routing.Route;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports async misuse: each kind is counted every time and logged once per route, with what to
 * do about it. The checks themselves sit where the facts are (Exchange, the watchdog, JFR).
 */
final class SafetyNets {
    private static final Logger log = LoggerFactory.getLogger(SafetyNets.class);

    private final ServerMetrics metrics;
    private final long fakeAsyncNanos;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final ClassLoadingActivity classLoading;
    private final ProcessStalls stalls = new ProcessStalls();

    SafetyNets(ServerConfig config, ServerMetrics metrics, ClassLoadingActivity classLoading) {
        this.metrics = metrics;
        this.fakeAsyncNanos = config.fakeAsyncThreshold().toNanos();
        this.classLoading = classLoading;
    }

    /** When the process was last frozen: the watchdog feeds it, the fake-async check reads it. */
    ProcessStalls stalls() {
        return stalls;
    }

    private boolean first(String kind, Object route) {
        return reported.add(kind + " " + route);
    }

    void pendingAtCompletion(Route route, List<String> pending) {
        metrics.pendingAtCompletion.increment();
        if (first("pending", route)) {
            log.warn("{}: an asynchronous handler completed while {} asynchronous operation(s) were still pending {}; "
                    + "they were cancelled. Fix: return a stage that completes after every operation you start, or "
                    + "close each PendingWork ticket when its operation ends.", route, pending.size(), pending);
        }
    }

    void asyncInSyncStage(Route route, List<String> pending) {
        metrics.asyncInSyncStage.increment();
        if (first("sync", route)) {
            log.warn("{}: a synchronous handler returned while {} asynchronous operation(s) it started were still "
                    + "pending {} (an asynchronous operation cannot be started from a synchronous stage); they were "
                    + "cancelled. Fix: return a CompletionStage that completes when they finish.", route, pending.size(), pending);
        }
    }

    /** A route's first requests may load its libraries: a hold then is warm-up when classes were loaded meanwhile. */
    static final int WARM_UP_REQUESTS = 3;

    /**
     * True when {@code heldNanos} before returning a pending stage is past the threshold. Time the
     * whole process stood still (a GC pause, CPU throttling) is nobody's hold: only the time since
     * the last stall counts. During a route's warm-up only the time since the JVM last loaded a
     * class counts too: a first request loading its libraries is not fake async, the same hold in
     * steady state is.
     */
    boolean isFakeAsync(long heldNanos, boolean warmingUp) {
        if (fakeAsyncNanos <= 0 || heldNanos <= fakeAsyncNanos) {
            return false;
        }
        long now = System.nanoTime();
        long from = Math.max(now - heldNanos, stalls.lastStallEndNanos(now));
        if (warmingUp) {
            classLoading.sample(now);
            from = Math.max(from, classLoading.lastChangeNanos());
        }
        return now - from > fakeAsyncNanos;
    }

    void fakeAsync(Route route, long heldNanos) {
        metrics.fakeAsync.increment();
        if (first("fake", route)) {
            log.warn("{}: the handler held its thread for {} ms before returning its CompletionStage: synchronous "
                    + "work dressed as async. Fix: start the slow part asynchronously (an async client, or "
                    + "supplyAsync on an executor meant for blocking work) or return a plain value from a WORKER "
                    + "or VIRTUAL route.", route, heldNanos / 1_000_000);
        }
    }

    void blockedEventLoop(String route, String thread, long blockedMillis, long thresholdMillis, StackTraceElement[] stack) {
        metrics.blockedEventLoop.increment();
        if (first("blocked", route)) {
            StringBuilder sb = new StringBuilder();
            for (StackTraceElement e : stack) {
                sb.append("\n\tat ").append(e);
            }
            log.warn("{}: event loop thread {} has been blocked for {} ms (threshold {} ms). Code on an event loop "
                    + "must never block: run the route with ExecutionModel.WORKER or VIRTUAL, or make the call "
                    + "asynchronous. Stack of the blocked thread:{}", route, thread, blockedMillis, thresholdMillis, sb);
        }
    }

    /**
     * An event loop took past the threshold to reach a probe, but made progress meanwhile (other
     * handlers ran, its queue shrank): a burst, not a handler blocking it. Said once per loop, at
     * INFO, and counted apart from blocked loops.
     */
    void busyEventLoop(String thread, long lateMillis, long thresholdMillis, int pendingTasks) {
        metrics.busyEventLoop.increment();
        if (first("busy", thread)) {
            log.info("event loop thread {} was busy for {} ms (threshold {} ms) working through a burst ({} tasks still "
                    + "queued); no single task held it, so this is load, not a blocked loop. If it persists, add event "
                    + "loops (eventLoopThreads) or move heavy routes off the loop (ExecutionModel.WORKER).",
                    thread, lateMillis, thresholdMillis, pendingTasks < 0 ? "?" : String.valueOf(pendingTasks));
        }
    }

    void virtualThreadPinned(String route, long pinnedMillis, String stack) {
        metrics.virtualThreadPinned.increment();
        if (first("pinned", route)) {
            log.warn("{}: a virtual thread blocked for {} ms while pinned to its carrier thread (it held a monitor in "
                    + "native code or ran a class initializer), so the carrier could not serve other virtual threads. "
                    + "Fix: avoid blocking there, or run the route with ExecutionModel.WORKER.{}", route, pinnedMillis, stack);
        }
    }
}
