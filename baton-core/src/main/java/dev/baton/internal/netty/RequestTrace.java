package dev.baton.internal.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which thread ran each stage of one request, and for how long: the thread-name trace, written
 * out as a {@code Server-Timing} header. Only made for requests that asked for it.
 */
final class RequestTrace {
    /** A stage with no thread: the request was waiting on I/O or a timer. */
    static final String NO_THREAD = "no thread";

    private record Stage(String name, String thread, long nanos) {
    }

    private final List<Stage> stages = new ArrayList<>(6);

    synchronized void add(String name, String thread, long nanos) {
        stages.add(new Stage(name, thread, Math.max(0, nanos)));
    }

    /** Adds the last stage, the hop to the event loop and the write itself (on this thread), and returns the header value. */
    String endWithWrite(long sentNanos) {
        add("write", Thread.currentThread().getName(), System.nanoTime() - sentNanos);
        return serverTiming();
    }

    /** RFC-style Server-Timing value: {@code queue;dur=0.031;desc="baton-worker-1", ...}. */
    synchronized String serverTiming() {
        StringBuilder sb = new StringBuilder(160);
        for (Stage s : stages) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(s.name).append(";dur=").append(String.format(Locale.ROOT, "%.3f", s.nanos / 1e6))
                    .append(";desc=\"").append(quotable(s.thread)).append('"');
        }
        return sb.toString();
    }

    /**
     * A thread name as quoted-string text (RFC 9110 5.6.4): its name is the application's, so
     * nothing in it may break the header. '"' and '\\' are escaped; what is not visible ASCII
     * (a control, non-ASCII) becomes '?', so that the field stays plain ASCII.
     */
    private static String quotable(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else {
                b.append(c < 0x20 && c != '\t' || c >= 0x7f ? '?' : c);
            }
        }
        return b.toString();
    }
}
