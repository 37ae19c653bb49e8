package dev.baton.operations.postgres;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes: the alternative to sleeping in tests. */
final class Poll {
    private Poll() {
    }

    static void until(String what, Duration within, BooleanSupplier condition) {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not true within " + within.toMillis() + " ms: " + what);
            }
            LockSupport.parkNanos(20_000_000);
        }
    }
}
