package dev.baton.support;

import dev.baton.testing.await.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test classes run in a JVM of its own (a cold one, or one a test sends
 * SIGTERM), with the test classpath. Its stdout and stderr are read line by line, together; it
 * talks to the test by printing lines and reading commands on its stdin.
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Writer stdin;
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = Thread.ofPlatform().daemon().name("child-jvm-reader").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the child is gone; its lines so far stay
            }
        });
    }

    /** The option that lets Netty load epoll without a warning (JDK 24+), as the surefire JVM has it. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** Starts {@code main} with {@code args} and {@code jvmOptions} (a modest heap besides; {@link #NATIVE_ACCESS} only if given). */
    public static ChildJvm start(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Everything it printed so far, stdout and stderr interleaved as written. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The rest of the first line starting with {@code prefix}, waiting for it up to {@code within}. */
    public String await(String prefix, Duration within) {
        Await.until("the child JVM prints " + prefix + " (it printed: " + lines + ", alive: " + process.isAlive() + ")", within,
                () -> lines.stream().anyMatch(l -> l.startsWith(prefix)));
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    /** Sends one command line to its stdin. */
    public void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    public Process process() {
        return process;
    }

    /**
     * Sends SIGTERM, as {@code docker stop} or Kubernetes do. Through its {@link ProcessHandle}:
     * {@link Process#destroy()} sends the same signal but also closes the streams it is read from,
     * which would lose what the JVM prints while it shuts down.
     */
    public void sigterm() {
        if (!process.toHandle().destroy()) {
            throw new AssertionError("SIGTERM could not be sent");
        }
    }

    /** Its exit code once it ended and all it printed was read, waiting up to {@code within}. */
    public int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child JVM still runs after " + within.toMillis() + " ms; it printed: " + lines);
        }
        if (!reader.join(within)) {
            throw new AssertionError("the child JVM's output did not end within " + within.toMillis() + " ms of its exit");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
