package dev.baton.operations.postgres;

import dev.baton.testing.await.Await;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL for one test class: {@code initdb} in a temporary directory, {@code pg_ctl}
 * on a free port, trust authentication on 127.0.0.1 only, removed by {@link #close()}. As root
 * (CI) the server runs as the {@code postgres} user, since PostgreSQL refuses to run as root.
 *
 * <pre>{@code try (TestPostgres pg = TestPostgres.start()) { store = builder().url(pg.url()).build(); }}</pre>
 */
final class TestPostgres implements AutoCloseable {
    /**
     * How this module's tests wait: every 20 ms, not Await's 10, since most conditions here query
     * the database or a node process, beside nodes whose timings the tests measure.
     */
    static final Await.Polling POLL = Await.every(Duration.ofMillis(20));

    private final Path bin;
    private final Path dir;
    private final int port;

    private TestPostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    static TestPostgres start() {
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory("baton-pg-");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            TestPostgres pg = new TestPostgres(bin, dir, port);
            if (isRoot()) {
                run(List.of("chown", "postgres", dir.toString()));
            }
            pg.pg("initdb", "-D", pg.data(), "-U", "baton", "--auth=trust", "-E", "UTF8", "--no-sync");
            pg.startAgain();
            return pg;
        } catch (IOException e) {
            throw new IllegalStateException("could not start a test PostgreSQL", e);
        }
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=baton";
    }

    /** Stops the server at once, as a crash would ({@code -m immediate}), and starts it again. */
    void restartImmediately() {
        // not "pg_ctl restart": it would start the server without the log file, writing to our pipe forever
        stopImmediately();
        startAgain();
    }

    void stopImmediately() {
        pg("pg_ctl", "-D", data(), "-m", "immediate", "-w", "stop");
    }

    void startAgain() {
        pg("pg_ctl", "-D", data(), "-l", dir.resolve("log").toString(), "-w", "-t", "30", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");
    }

    @Override
    public void close() {
        try {
            pg("pg_ctl", "-D", data(), "-m", "immediate", "-w", "stop");
        } catch (RuntimeException alreadyStopped) {
            // stopped by the test: nothing to do
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it eventually
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private void pg(String tool, String... args) {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(Arrays.asList(args));
        run(command);
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin}; a clear failure, never a skip, when there is none. */
    private static Path binaries() {
        File[] versions = new File("/usr/lib/postgresql").listFiles(f -> new File(f, "bin/initdb").canExecute());
        if (versions == null || versions.length == 0) {
            throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin: "
                    + "install the Debian 'postgresql' package (apt-get install postgresql), as .ci/run does");
        }
        File newest = Arrays.stream(versions).max(Comparator.comparingInt(f -> version(f.getName()))).orElseThrow();
        return newest.toPath().resolve("bin");
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name.replaceAll("[^0-9].*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
