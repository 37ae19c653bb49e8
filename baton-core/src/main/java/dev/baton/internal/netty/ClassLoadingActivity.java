package dev.baton.internal.netty;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When the JVM last loaded a class, as far as samples tell: the watchdog samples at every tick,
 * a safety net once more before it reports. A thread held while classes load (a cold start, the
 * first use of a library) is warm-up, not a bug, and the safety nets keep quiet about it.
 */
final class ClassLoadingActivity {
    private final ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    private final AtomicLong lastCount = new AtomicLong(-1);
    private volatile long lastChangeNanos = System.nanoTime(); // the server's own start loads classes

    /** Reads the count of loaded classes; a change is dated now. Any thread. */
    void sample(long nowNanos) {
        long count = classes.getTotalLoadedClassCount();
        // two samplers may race: the count and its date only move forward
        if (count > lastCount.getAndAccumulate(count, Math::max) && nowNanos - lastChangeNanos > 0) {
            lastChangeNanos = nowNanos;
        }
    }

    /** When the count last changed (System.nanoTime). */
    long lastChangeNanos() {
        return lastChangeNanos;
    }

    /** True if the stack is loading or linking a class right now (its count changes only once it is defined). */
    static boolean isLoading(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (isLoaderFrame(e.getClassName()) || e.getMethodName().equals("<clinit>")) {
                return true;
            }
        }
        return false;
    }

    /** True for a frame of a class loader's: the thread is reading or defining a class. */
    static boolean isLoaderFrame(String className) {
        return className.equals("java.lang.ClassLoader") || className.startsWith("jdk.internal.loader.")
                || className.equals("java.security.SecureClassLoader");
    }
}
