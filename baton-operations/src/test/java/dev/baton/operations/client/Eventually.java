package dev.baton.operations.client;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes: what the tests do instead of sleeping. */
final class Eventually {
    private Eventually() {
    }

    static void until(String what, Duration within, BooleanSupplier condition) {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not true within " + within.toMillis() + " ms: " + what);
            }
            LockSupport.parkNanos(5_000_000); // the polling interval, not a wait for the condition
        }
    }
}
