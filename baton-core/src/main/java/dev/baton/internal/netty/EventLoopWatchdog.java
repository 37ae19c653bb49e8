package dev.baton.internal.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices an event loop held past the threshold by one task: it posts a probe task to each loop
 * and, when a probe waits too long, looks twice, a tick apart. A loop that made progress between
 * the two looks (another handler started, its queue of pending tasks shrank) is busy working
 * through a burst, not blocked: that is said once, plainly, with its queue length, and not counted
 * as blocked. A loop still in the same handler, or with no progress and application code on its
 * stack, is blocked: its stack and route are reported. One daemon thread, polling at a quarter of
 * the threshold. Time the JVM spent loading classes, and time the whole process stood still (its
 * own wake-ups came late: a GC pause, CPU throttling, SIGSTOP), do not count as held.
 */
final class EventLoopWatchdog {
    private final long thresholdNanos;
    private final SafetyNets nets;
    private final ClassLoadingActivity classLoading;
    private final ProcessStalls stalls;
    private final List<Probe> probes = new ArrayList<>();
    /** Each loop's probe, found by the loop: built at start, read-only after. */
    private final Map<EventExecutor, Probe> byLoop = new java.util.IdentityHashMap<>();
    private volatile boolean stopped;
    private Thread thread;

    EventLoopWatchdog(long thresholdNanos, SafetyNets nets, ClassLoadingActivity classLoading) {
        this.thresholdNanos = thresholdNanos;
        this.nets = nets;
        this.classLoading = classLoading;
        this.stalls = nets.stalls();
    }

    void start(EventLoopGroup group) {
        for (EventExecutor loop : group) {
            Probe p = new Probe(loop);
            loop.submit(() -> p.thread = Thread.currentThread()).awaitUninterruptibly(5, TimeUnit.SECONDS);
            probes.add(p);
            byLoop.put(loop, p);
        }
        thread = Thread.ofPlatform().daemon().name("baton-watchdog").start(this::watch);
    }

    void stop() {
        stopped = true;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /** A handler starts (route) or ends (null) on {@code loop}'s thread. Field writes, no map update. */
    void running(EventExecutor loop, Object route) {
        Probe p = byLoop.get(loop);
        if (p != null) {
            p.route = route;
            if (route != null) {
                p.handlersStarted++; // the loop's own thread only: a plain increment of a volatile is enough
            }
        }
    }

    /** Tasks waiting on {@code loop}, or -1 when it cannot say. */
    static int pendingTasks(EventExecutor loop) {
        return loop instanceof SingleThreadEventExecutor st ? st.pendingTasks() : -1;
    }

    /**
     * True if {@code stack} (top first) holds a frame of application code: not the JDK's, not
     * Netty's, not Baton's own plumbing. A loop with none on its stack is running the framework.
     */
    static boolean hasApplicationFrames(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (!(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("io.netty.")
                    || c.startsWith("dev.baton.internal.") || c.startsWith("dev.baton.routing.") || c.startsWith("dev.baton.context."))) {
                return true;
            }
        }
        return false;
    }

    /** The watchdog's period: a quarter of the threshold, at least 5 ms. */
    private long period() {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(5), thresholdNanos / 4);
    }

    private void watch() {
        long pause = period();
        // waking half a threshold late means the process stood still: a hold seen then is not the loop's
        // (a shorter stall cannot make a quick loop look held; scheduling jitter is far below it)
        stalls.watchedEvery(pause, thresholdNanos / 2);
        long planned = System.nanoTime();
        while (!stopped) {
            long now = System.nanoTime();
            stalls.tick(planned, now);
            classLoading.sample(now);
            for (Probe p : probes) {
                p.check(now);
            }
            planned = System.nanoTime() + pause;
            LockSupport.parkNanos(pause);
        }
    }

    /** True if the loop is parked in its selector: nothing blocks it, its wake-up is late. */
    static boolean isWaitingForIo(StackTraceElement[] stack) {
        for (int i = 0; i < Math.min(4, stack.length); i++) {
            String c = stack[i].getClassName();
            String m = stack[i].getMethodName();
            // Netty's epoll wait, or the JDK selector's (not a blocking socket read: that parks in NioSocketImpl)
            if (c.equals("io.netty.channel.epoll.Native") && m.startsWith("epollWait")
                    || c.startsWith("sun.nio.ch.") && c.endsWith("SelectorImpl") && m.equals("doSelect")) {
                return true;
            }
        }
        return false;
    }

    private final class Probe implements Runnable {
        final EventExecutor loop;
        volatile Thread thread;
        volatile long sentAt;
        /** What the loop runs now; written by the loop, read by the watchdog: staleness is harmless. */
        volatile Object route;
        /** Handlers the loop started, counted by the loop: a change between two looks is progress. */
        volatile long handlersStarted;
        boolean reported;
        /** The first look at a late probe (watchdog thread only): compared with the next. */
        boolean looked;
        long lookedHandlers;
        int lookedPending;
        Object lookedRoute;

        Probe(EventExecutor loop) {
            this.loop = loop;
        }

        void check(long now) {
            long sent = sentAt;
            if (sent == 0) {
                if (loop.isShuttingDown()) {
                    return;
                }
                reported = false;
                sentAt = now;
                loop.execute(this);
            } else if (!reported && thread != null
                    && now - Math.max(sent, Math.max(classLoading.lastChangeNanos(), stalls.lastStallEndNanos(now))) > thresholdNanos) {
                // held past the threshold with no class loaded and no stall of the process meanwhile:
                // class loading is warm-up, a stall is the machine's, neither is a bug
                StackTraceElement[] stack = thread.getStackTrace();
                if (ClassLoadingActivity.isLoading(stack) || isWaitingForIo(stack)) {
                    // loading a class right now, or idle: the probe was only late to run (a loaded
                    // machine descheduled the loop's wake-up). Look again at the next tick
                    looked = false;
                    return;
                }
                Object r = route;
                int pending = pendingTasks(loop);
                if (!looked) { // one look is a moment; two a tick apart tell one long task from many short ones
                    looked = true;
                    lookedHandlers = handlersStarted;
                    lookedPending = pending;
                    lookedRoute = r;
                    return;
                }
                looked = false;
                boolean progressed = handlersStarted != lookedHandlers || r != lookedRoute
                        || pending >= 0 && lookedPending >= 0 && pending < lookedPending;
                reported = true;
                if (progressed || r == null && !hasApplicationFrames(stack)) {
                    nets.busyEventLoop(thread.getName(), (now - sent) / 1_000_000, thresholdNanos / 1_000_000, pending);
                    return;
                }
                String name = r == null ? "(no handler: event loop code outside a route)" : r.toString();
                nets.blockedEventLoop(name, thread.getName(), (now - sent) / 1_000_000, thresholdNanos / 1_000_000, stack);
            }
        }

        @Override
        public void run() {
            sentAt = 0;
            looked = false; // (the watchdog's field, reset late at worst: the next late probe looks twice again)
        }
    }
}
