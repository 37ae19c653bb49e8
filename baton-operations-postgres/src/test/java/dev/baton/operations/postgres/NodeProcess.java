package dev.baton.operations.postgres;

import static dev.baton.operations.postgres.TestPostgres.POLL;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** A {@link NodeMain} in a JVM of its own, so that a test can kill it (-9), pause it (SIGSTOP) and resume it. */
final class NodeProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A {@code MARK} line a node printed (see {@link NodeMain#mark}), without its prefix, and when it was read here. */
    record Mark(String node, String text, long nanos) {
    }

    final String name;
    private final Process process;
    private final int port;
    private final Queue<Mark> marks;

    private NodeProcess(String name, Process process, int port, Queue<Mark> marks) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.marks = marks;
    }

    static NodeProcess start(String url, String schema, String name) throws Exception {
        return start(url, schema, name, List.of(), m -> { });
    }

    /**
     * @param jvmOptions options before the class name, {@code -Dbaton.test.maxRunning=1} say
     * @param onMark     sees each {@code MARK} line as it is read, on the reading thread
     */
    static NodeProcess start(String url, String schema, String name, List<String> jvmOptions, Consumer<Mark> onMark)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NodeMain.class.getName(), url, schema, name));
        long launched = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Queue<Mark> marks = new ConcurrentLinkedQueue<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        java.util.Deque<String> tail = new java.util.concurrent.ConcurrentLinkedDeque<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("MARK ")) {
                        Mark m = new Mark(name, line.substring(5), System.nanoTime());
                        marks.add(m);
                        onMark.accept(m);
                        continue; // not kept in the tail: a start-up failure is what it is for
                    }
                    tail.addLast(line);
                    if (tail.size() > 40) {
                        tail.removeFirst();
                    }
                    if (line.startsWith("LISTENING ")) {
                        port.complete(Integer.parseInt(line.substring(10).strip()));
                    } else if (line.contains(" WARN ") || line.contains(" ERROR ")) {
                        System.out.println("[" + name + "] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the node died: its port never comes, or it already did
            }
            String exit;
            try {
                exit = p.waitFor(5, TimeUnit.SECONDS) ? "exit code " + p.exitValue() : "still running";
            } catch (InterruptedException e) {
                exit = "interrupted";
            }
            port.completeExceptionally(new IllegalStateException("node " + name + " ended before it listened ("
                    + exit + " after " + (System.nanoTime() - launched) / 1_000_000 + " ms); its last lines:\n"
                    + String.join("\n", tail)));
        });
        try {
            return new NodeProcess(name, p, port.get(60, TimeUnit.SECONDS), marks);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** The first mark starting with {@code prefix}, waiting for it up to {@code within}. */
    Mark awaitMark(String prefix, Duration within) {
        Mark[] found = new Mark[1];
        POLL.until(name + " printed MARK " + prefix, within, () -> (found[0] = mark(prefix)) != null);
        return found[0];
    }

    /** The first mark starting with {@code prefix} so far, or null. */
    Mark mark(String prefix) {
        return marks.stream().filter(m -> m.text().startsWith(prefix)).findFirst().orElse(null);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** Any request, its answer as it is: for statuses a test checks itself. */
    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new AssertionError("POST " + path + " on " + name + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    void kill9() throws Exception {
        signal("KILL");
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void pause() throws Exception {
        signal("STOP");
    }

    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                resume();
            } catch (Exception ignored) {
                // it died meanwhile
            }
        }
        process.destroyForcibly();
    }
}
