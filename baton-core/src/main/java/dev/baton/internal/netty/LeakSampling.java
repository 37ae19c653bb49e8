package dev.baton.internal.netty;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's buffer-leak sampling, off unless the application asked for a level. At Netty's default
 * (SIMPLE) one buffer in 128 records a stack trace when it is allocated and when it is released:
 * about 2 % of the CPU of a small HTTP/1.1 request and 6 % of an HTTP/2 one in the bench. Vert.x
 * turns it off the same way. {@code -Dio.netty.leakDetection.level=simple} (or advanced, paranoid)
 * brings it back; Baton's own tests run paranoid.
 *
 * <pre>{@code LeakSampling.offUnlessAsked(); // before the first buffer}</pre>
 */
public final class LeakSampling {
    private LeakSampling() {
    }

    /** Turns sampling off, unless a level was set by system property. Idempotent. */
    public static void offUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }
}
