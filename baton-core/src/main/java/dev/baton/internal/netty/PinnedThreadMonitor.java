package dev.baton.internal.netty;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts virtual threads pinned to their carrier on VIRTUAL routes, from the JDK's own
 * {@code jdk.VirtualThreadPinned} JFR event. Started only when some route runs on virtual threads.
 */
final class PinnedThreadMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PinnedThreadMonitor.class);
    private static final long KEEP_NANOS = Duration.ofSeconds(10).toNanos();

    private record Run(String route, long endedAt) {
    }

    private final SafetyNets nets;
    private final Map<Long, Run> runs = new ConcurrentHashMap<>();
    private RecordingStream stream;

    PinnedThreadMonitor(SafetyNets nets) {
        this.nets = nets;
    }

    void start() {
        try {
            stream = new RecordingStream();
            stream.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(20)).withStackTrace();
            stream.onEvent("jdk.VirtualThreadPinned", this::pinned);
            stream.onFlush(this::forgetOldRuns);
            stream.setMaxAge(Duration.ofSeconds(10));
            stream.startAsync();
        } catch (RuntimeException | Error e) {
            log.info("virtual-thread pinning is not observable on this JVM ({}); the pinning safety net is off", e.toString());
            stream = null;
        }
    }

    /** A VIRTUAL handler starts on the current (virtual) thread. */
    void started(String route) {
        runs.put(Thread.currentThread().threadId(), new Run(route, 0));
    }

    /** It ended; the entry stays a little while, since JFR delivers events late. */
    void ended(String route) {
        runs.put(Thread.currentThread().threadId(), new Run(route, System.nanoTime()));
    }

    private void pinned(RecordedEvent e) {
        long id = e.getThread("eventThread") == null ? -1 : e.getThread("eventThread").getJavaThreadId();
        Run run = runs.get(id);
        if (run == null) {
            return; // not a request thread of ours
        }
        StringBuilder stack = new StringBuilder();
        if (e.getStackTrace() != null) {
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                stack.append("\n\tat ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
                        .append(" line ").append(f.getLineNumber());
            }
        }
        nets.virtualThreadPinned(run.route(), e.getDuration().toMillis(), stack.toString());
    }

    private void forgetOldRuns() {
        long now = System.nanoTime();
        runs.values().removeIf(r -> r.endedAt() != 0 && now - r.endedAt() > KEEP_NANOS);
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
        }
    }
}
