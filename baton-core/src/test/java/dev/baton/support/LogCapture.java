package dev.baton.support;

import dev.baton.testing.await.Await;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Captures what the test SLF4J provider (slf4j-simple, which prints each event with one
 * {@code println} on whatever {@code System.err} is then) logs while it is open, and still
 * passes it through. Test classes run one at a time in their JVM, so nothing else swaps it.
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {
    }

    public static LogCapture start() {
        LogCapture c = new LogCapture();
        System.setErr(new PrintStream(c.original, true) {
            @Override
            public void println(String line) {
                c.lines.add(line);
                super.println(line);
            }
        });
        return c;
    }

    /** The lines logged so far by {@code logger} (slf4j-simple shows its full name before " - "). */
    public List<String> of(String logger) {
        return lines.stream().filter(l -> l.contains(" " + logger + " - ")).toList();
    }

    /** The message part of the lines of {@code logger} that contain {@code text}. */
    public List<String> messages(String logger, String text) {
        return of(logger).stream().map(l -> l.substring(l.indexOf(" " + logger + " - ") + logger.length() + 4))
                .filter(m -> m.contains(text)).toList();
    }

    /** The first message of {@code logger} containing {@code text}, waiting for it up to {@code within}. */
    public String await(String logger, String text, Duration within) {
        Await.until(logger + " logs a line with " + text, within, () -> !messages(logger, text).isEmpty());
        return messages(logger, text).get(0);
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
