package dev.baton.internal.netty;

/**
 * When the whole process was last seen frozen, as far as the watchdog's own wake-ups tell: a
 * stop-the-world pause, CPU throttling (a container past its CPU quota), a stopped process
 * (SIGSTOP) or a descheduled VM hold every thread at once, and a thread held by none of its own
 * code is not reported. The watchdog sleeps a known period: a wake-up later than that by more
 * than the tolerance means the process did not run meanwhile, and a watchdog overdue now means it
 * does not run yet (the thread asking got its CPU back first). The last few stalls are kept, for
 * reports that arrive after the fact (JFR's).
 */
final class ProcessStalls {
    private static final int KEPT = 32;

    private volatile long periodNanos;
    private volatile long toleranceNanos;
    /** The watchdog's last wake-up (System.nanoTime); meaningless until {@link #watchedEvery}. */
    private volatile long lastTickNanos;
    private volatile boolean watched;
    private volatile long lastStallEndNanos = System.nanoTime(); // the server's start, as class loading counts it
    /** The last stalls, from the tick before each to the late one that saw it: [start, end] pairs, a ring. */
    private final long[] recent = new long[2 * KEPT];
    private int next;
    private int count;

    /** The watchdog wakes every {@code periodNanos}; later than that by {@code toleranceNanos} is a stall. */
    void watchedEvery(long periodNanos, long toleranceNanos) {
        this.periodNanos = periodNanos;
        this.toleranceNanos = toleranceNanos;
        this.lastTickNanos = System.nanoTime();
        this.watched = true;
    }

    /** The watchdog woke at {@code nowNanos}, having asked to be woken at {@code plannedNanos}. */
    void tick(long plannedNanos, long nowNanos) {
        if (nowNanos - plannedNanos > toleranceNanos) {
            lastStallEndNanos = nowNanos;
            synchronized (recent) {
                recent[2 * next] = lastTickNanos; // somewhere after the last tick the process stopped
                recent[2 * next + 1] = nowNanos;
                next = (next + 1) % KEPT;
                count = Math.min(KEPT, count + 1);
            }
        }
        lastTickNanos = nowNanos;
    }

    /** When the process last came back from a stall, as seen at {@code nowNanos}: {@code nowNanos} while the watchdog is overdue. */
    long lastStallEndNanos(long nowNanos) {
        if (watched && nowNanos - lastTickNanos > periodNanos + toleranceNanos) {
            return nowNanos;
        }
        return lastStallEndNanos;
    }

    /** How much of [{@code fromNanos}, {@code toNanos}] the kept stalls cover (at most all of it; overlaps counted once each). */
    long stalledWithin(long fromNanos, long toNanos) {
        long total = 0;
        synchronized (recent) {
            for (int i = 0; i < count; i++) {
                long start = Math.max(fromNanos, recent[2 * i]);
                long end = Math.min(toNanos, recent[2 * i + 1]);
                if (end - start > 0) {
                    total += end - start;
                }
            }
        }
        return Math.min(total, Math.max(0, toNanos - fromNanos));
    }
}
