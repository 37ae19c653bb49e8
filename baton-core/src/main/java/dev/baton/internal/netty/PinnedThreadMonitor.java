package dev.baton.internal.netty;

import java.time.Duration;
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
    /** A virtual thread running a handler is named after its route: JFR events carry the name, so no map is needed. */
    private static final String PREFIX = "baton-vt ";
    private static final Duration THRESHOLD = Duration.ofMillis(20);

    private final SafetyNets nets;
    private RecordingStream stream;

    PinnedThreadMonitor(SafetyNets nets) {
        this.nets = nets;
    }

    void start() {
        try {
            stream = new RecordingStream();
            stream.enable("jdk.VirtualThreadPinned").withThreshold(THRESHOLD).withStackTrace();
            stream.onEvent("jdk.VirtualThreadPinned", this::pinned);
            stream.setMaxAge(Duration.ofSeconds(10));
            stream.startAsync();
        } catch (RuntimeException | Error e) {
            log.info("virtual-thread pinning is not observable on this JVM ({}); the pinning safety net is off", e.toString());
            stream = null;
        }
    }

    static String threadName(dev.baton.routing.Route route) {
        return PREFIX + route;
    }

    private void pinned(RecordedEvent e) {
        var thread = e.getThread("eventThread");
        String name = thread == null ? null : thread.getJavaName();
        if (name == null || !name.startsWith(PREFIX)) {
            return; // not a request thread of ours
        }
        if (pinnedNanos(e) < THRESHOLD.toNanos()) {
            return; // pinned that long only because the whole process stood still meanwhile
        }
        if (loadingAClass(e)) {
            return; // pinned while a class loader reads and defines a class: warm-up, over once it is loaded
        }
        StringBuilder stack = new StringBuilder();
        if (e.getStackTrace() != null) {
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                stack.append("\n\tat ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
                        .append(" line ").append(f.getLineNumber());
            }
        }
        nets.virtualThreadPinned(name.substring(PREFIX.length()), e.getDuration().toMillis(), stack.toString());
    }

    /**
     * True when the innermost frames, up to the first class initializer, are a class loader's. A
     * class initializer that blocks is the application's own pin and is reported; the loading of
     * the class it runs in, or of any class, is not.
     */
    private static boolean loadingAClass(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return false;
        }
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            if (f.getMethod().getName().equals("<clinit>")) {
                return false;
            }
            if (ClassLoadingActivity.isLoaderFrame(f.getMethod().getType().getName())) {
                return true;
            }
        }
        return false;
    }

    /** How long the event's thread was pinned, less the time the whole process stood still meanwhile. */
    private long pinnedNanos(RecordedEvent e) {
        long duration = e.getDuration().toNanos();
        // the event's end on System.nanoTime's scale: it is delivered later, so date it back from now
        long end = System.nanoTime() - Duration.between(e.getEndTime(), java.time.Instant.now()).toNanos();
        return duration - nets.stalls().stalledWithin(end - duration, end);
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
        }
    }
}
