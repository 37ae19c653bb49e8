package dev.baton.internal.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices an event loop held past the threshold: it posts a probe task to each loop and, when a
 * probe waits too long, takes the loop thread's stack and names the route it was running.
 * One daemon thread, polling at a quarter of the threshold.
 */
final class EventLoopWatchdog {
    private final long thresholdNanos;
    private final SafetyNets nets;
    private final List<Probe> probes = new ArrayList<>();
    /** The route each event loop thread is running a handler for, if any. */
    private final Map<Thread, String> running = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private Thread thread;

    EventLoopWatchdog(long thresholdNanos, SafetyNets nets) {
        this.thresholdNanos = thresholdNanos;
        this.nets = nets;
    }

    void start(EventLoopGroup group) {
        for (EventExecutor loop : group) {
            Probe p = new Probe(loop);
            loop.submit(() -> p.thread = Thread.currentThread()).awaitUninterruptibly(5, TimeUnit.SECONDS);
            probes.add(p);
        }
        thread = Thread.ofPlatform().daemon().name("baton-watchdog").start(this::watch);
    }

    void stop() {
        stopped = true;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /** A handler starts (route) or ends (null) on the current event loop thread. */
    void running(String route) {
        if (route == null) {
            running.remove(Thread.currentThread());
        } else {
            running.put(Thread.currentThread(), route);
        }
    }

    private void watch() {
        long pause = Math.max(TimeUnit.MILLISECONDS.toNanos(5), thresholdNanos / 4);
        while (!stopped) {
            long now = System.nanoTime();
            for (Probe p : probes) {
                p.check(now);
            }
            LockSupport.parkNanos(pause);
        }
    }

    private final class Probe implements Runnable {
        final EventExecutor loop;
        volatile Thread thread;
        volatile long sentAt;
        boolean reported;

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
            } else if (!reported && now - sent > thresholdNanos && thread != null) {
                reported = true;
                String route = running.getOrDefault(thread, "(no handler: event loop code outside a route)");
                nets.blockedEventLoop(route, thread.getName(), (now - sent) / 1_000_000, thresholdNanos / 1_000_000,
                        thread.getStackTrace());
            }
        }

        @Override
        public void run() {
            sentAt = 0;
        }
    }
}
