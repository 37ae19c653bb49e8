package dev.baton.bench;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket echo round trips: {@code --sessions} JDK {@code java.net.http.WebSocket} clients, each
 * sending its next message when the last one's echo arrives, against a Baton echo route on each
 * execution model, over loopback. Bounded in messages and in time per model. Client and server
 * share the JVM (and the machine's cores): a figure of the whole loop, not of the server alone.
 *
 * <pre>{@code
 * ./baton build -pl bench -am dependency:build-classpath -Dmdep.outputFile=/tmp/bench-cp.txt
 * java -cp bench/target/classes:$(cat /tmp/bench-cp.txt) dev.baton.bench.WebSocketEchoBenchmark --sessions 100 --messages 500
 * }</pre>
 */
public final class WebSocketEchoBenchmark {
    private WebSocketEchoBenchmark() {
    }

    /** One session's loop: send, await the echo, record its round trip, send the next. */
    static final class Loop implements WebSocket.Listener {
        final long[] nanos;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final String payload;
        private int received;
        private long sentAt;
        private final StringBuilder text = new StringBuilder();

        Loop(int messages, String payload) {
            this.nanos = new long[messages];
            this.payload = payload;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
            sentAt = System.nanoTime();
            ws.sendText(payload, true);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                nanos[received++] = System.nanoTime() - sentAt;
                text.setLength(0);
                if (received < nanos.length) {
                    sentAt = System.nanoTime();
                    ws.sendText(payload, true);
                } else {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").thenRun(() -> done.complete(null));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            done.completeExceptionally(error);
        }
    }

    public static void main(String[] args) throws Exception {
        int sessions = intArg(args, "--sessions", 100);
        int messages = intArg(args, "--messages", 500);
        int seconds = intArg(args, "--seconds", 60);
        String payload = "x".repeat(intArg(args, "--bytes", 64));
        for (ExecutionModel model : ExecutionModel.values()) { // a short untimed pass first: the JIT warms up on every model
            run(model, sessions, Math.max(1, messages / 5), seconds, payload);
        }
        System.out.printf(Locale.ROOT, "| model | sessions | round trips | seconds | round trips/s | p50 ms | p99 ms |%n|---|---|---|---|---|---|---|%n");
        for (ExecutionModel model : ExecutionModel.values()) {
            System.out.println(run(model, sessions, messages, seconds, payload));
        }
    }

    /** One measurement: a fresh server on {@code model}, the sessions' loops to their end; its table row. */
    private static String run(ExecutionModel model, int sessions, int messages, int seconds, String payload) throws Exception {
        Server server = Server.builder()
                .config(c -> c.port(0).host("127.0.0.1").maxConnections(sessions + 100).shutdownHook(false))
                .routing(r -> r.ws("/echo", ws -> ws.onText((session, text) -> session.sendText(text))).execution(model))
                .build().start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/echo");
            List<Loop> loops = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < sessions; i++) {
                Loop loop = new Loop(messages, payload);
                loops.add(loop);
                client.newWebSocketBuilder().buildAsync(uri, loop);
            }
            CompletableFuture.allOf(loops.stream().map(l -> l.done).toArray(CompletableFuture[]::new)).get(seconds, TimeUnit.SECONDS);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] all = loops.stream().flatMapToLong(l -> Arrays.stream(l.nanos)).sorted().toArray();
            return String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.0f | %.3f | %.3f |", model, sessions, all.length, elapsed,
                    all.length / elapsed, all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6);
        } finally {
            server.stop(java.time.Duration.ofSeconds(2));
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
