package dev.baton.bench.experiment;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.ServerStats;
import dev.baton.Tracing;
import dev.baton.client.HttpClient;
import dev.baton.demo.DemoApp;
import dev.baton.demo.DemoOptions;
import dev.baton.demo.RunningDemo;
import dev.baton.demo.front.ErrorPages;
import dev.baton.demo.front.Outbound;
import dev.baton.demo.front.SamplePages;
import dev.baton.demo.web.Stopwatch;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The server side of {@code ./baton experiment}: the demo's front (its {@code /Gizmos} and
 * {@code /GizmosAsync} pages) in one of three models, calling a backend in another JVM, and a
 * small probe port the harness reads between and during load steps.
 *
 * <pre>{@code java -cp bench/target/baton-bench.jar dev.baton.bench.experiment.ExperimentServer \
 *     --model SYNC --port 18080 --probe-port 18090 --backend-url http://127.0.0.1:18100 --workers 8 --queue 32}</pre>
 *
 * <ul>
 *   <li>{@code SYNC}: the load goes to {@code /Gizmos}, whose worker thread blocks on the backend call.</li>
 *   <li>{@code ASYNC}: the load goes to {@code /GizmosAsync}, which returns the call's future.</li>
 *   <li>{@code VIRTUAL}: {@code /Gizmos} with the front's routes on virtual threads.</li>
 * </ul>
 *
 * <p>{@link DemoOptions} has no execution-model option, so by default ({@code --front pages}) the front
 * is assembled here from the demo's public parts, configured as {@link DemoApp#start} configures its
 * own: {@link SamplePages}, the {@link Stopwatch} filter, the {@link ErrorPages} mappers, the same
 * worker pool, queue, tracing and client settings; only {@code defaultExecution} differs by model.
 * The dashboard, the operations and the other pages are left out. {@code --front demo} runs SYNC and
 * ASYNC on {@link DemoApp#start} itself, the whole demo (VIRTUAL cannot run there).
 *
 * <p>The probe ({@code 127.0.0.1}, JDK {@code HttpServer}, one dispatcher thread) answers
 * {@code GET /stats} with one line of {@code key=value} pairs from {@link Server#stats()}, and
 * {@code GET /gc} the same after a full collection ({@code System.gc()}, ParallelGC), with the heap
 * still in use: the live heap.
 */
public final class ExperimentServer {
    private ExperimentServer() {
    }

    public static void main(String[] args) throws IOException {
        String model = "SYNC";
        String front = "pages";
        int port = 0;
        int probePort = 0;
        int workers = 8;
        int queue = 32;
        int clientConnections = 6000;
        URI backendUrl = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage("missing value for " + args[i]);
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--model" -> model = v.toUpperCase(Locale.ROOT);
                case "--front" -> front = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--probe-port" -> probePort = Integer.parseInt(v);
                case "--workers" -> workers = Integer.parseInt(v);
                case "--queue" -> queue = Integer.parseInt(v);
                case "--client-connections" -> clientConnections = Integer.parseInt(v);
                case "--backend-url" -> backendUrl = URI.create(v);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (!model.equals("SYNC") && !model.equals("ASYNC") && !model.equals("VIRTUAL")) {
            usage("--model is SYNC, ASYNC or VIRTUAL, got " + model);
        }
        if (!front.equals("demo") && !front.equals("pages")) {
            usage("--front is demo or pages, got " + front);
        }
        if (backendUrl == null) {
            usage("--backend-url is required (start one with dev.baton.demo.DemoApp --backend-only)");
        }
        DemoOptions options = DemoOptions.builder().port(port).workers(workers).queue(queue).backendUrl(backendUrl)
                .clientConnections(clientConnections).build();
        boolean assembled = model.equals("VIRTUAL") || front.equals("pages"); // the demo cannot run VIRTUAL
        ExecutionModel execution = model.equals("VIRTUAL") ? ExecutionModel.VIRTUAL : ExecutionModel.WORKER;
        Front running = assembled ? pagesOnly(options, execution) : demo(options);
        String page = model.equals("ASYNC") ? "/GizmosAsync" : "/Gizmos";

        HttpServer probe = HttpServer.create(new InetSocketAddress("127.0.0.1", probePort), 64);
        probe.createContext("/stats", ex -> answer(ex, line(running.server(), page, false)));
        probe.createContext("/gc", ex -> answer(ex, line(running.server(), page, true)));
        probe.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            probe.stop(0);
            running.close().run();
        }, "experiment-shutdown"));
        System.out.println("experiment server ready: model=" + model + " front=" + (assembled ? "pages" : "demo")
                + " execution=" + execution + " page=" + page + " port=" + running.server().port()
                + " probe=" + probe.getAddress().getPort() + " workers=" + workers + " queue=" + queue
                + " backend=" + backendUrl + " cpus=" + Runtime.getRuntime().availableProcessors()
                + " pid " + ProcessHandle.current().pid());
    }

    private record Front(Server server, Runnable close) {
    }

    /** The demo exactly as {@code ./baton demo} starts it (with its backend elsewhere). */
    private static Front demo(DemoOptions options) {
        RunningDemo demo = DemoApp.start(options);
        return new Front(demo.front(), () -> demo.close(Duration.ZERO));
    }

    /**
     * The demo's sample pages on a front configured as {@link DemoApp#start} configures its own,
     * in the given default execution model (the only way to put them on virtual threads today).
     */
    private static Front pagesOnly(DemoOptions o, ExecutionModel execution) {
        Outbound outbound = new Outbound(o.backendUrl());
        Server[] self = new Server[1];
        Server.Builder builder = Server.builder()
                .config(c -> c.host(o.host()).port(o.port()).workerThreads(o.workers()).requestQueueCapacity(o.queue())
                        .tracing(Tracing.ON_REQUEST).defaultExecution(execution))
                .actionFilter(new Stopwatch())
                .controllers(new SamplePages(outbound));
        Server server = self[0] = ErrorPages.register(builder).build();
        HttpClient client = HttpClient.builder().eventLoops(server.eventLoopGroup())
                .maxConnectionsPerHost(o.clientConnections()).build();
        outbound.connect(client, () -> URI.create("http://127.0.0.1:" + self[0].port()));
        server.start();
        return new Front(server, () -> {
            client.close(); // first: its connections close on the server's event loops, which stop next
            server.stop(Duration.ZERO);
        });
    }

    /** One line of {@code key=value} pairs: the server's counters, and the heap in use (live, after a full GC, with gc). */
    static String line(Server server, String page, boolean gc) {
        long before = server.stats().inFlight();
        long gcMillis = 0;
        if (gc) {
            long t0 = System.nanoTime();
            System.gc();
            gcMillis = (System.nanoTime() - t0) / 1_000_000;
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        ServerStats s = server.stats();
        ServerStats.RouteStats r = s.routes().get("GET " + page);
        StringBuilder b = new StringBuilder();
        b.append("in_flight=").append(s.inFlight())
                .append(" in_flight_before=").append(before)
                .append(" queued=").append(s.queued())
                .append(" completed=").append(s.completed())
                .append(" rejected=").append(s.rejected())
                .append(" timed_out=").append(s.timedOut())
                .append(" client_disconnects=").append(s.clientDisconnects())
                .append(" workers_busy=").append(s.workersBusy())
                .append(" workers_busy_peak=").append(s.workersBusyPeak())
                .append(" open_connections=").append(s.openConnections())
                .append(gc ? " heap_live_b=" : " heap_used_b=").append(heap);
        if (gc) {
            b.append(" gc_ms=").append(gcMillis);
        }
        if (r != null) {
            b.append(String.format(Locale.ROOT, " route_count=%d route_errors=%d route_p50_ms=%.1f route_p99_ms=%.1f",
                    r.count(), r.errors(), r.p50Millis(), r.p99Millis()));
        }
        return b.append('\n').toString();
    }

    private static void answer(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void usage(String problem) {
        System.err.println("experiment server: " + problem);
        System.err.println("usage: ExperimentServer --model SYNC|ASYNC|VIRTUAL --backend-url URL [--port N] [--probe-port N]"
                + " [--workers 8] [--queue 32] [--client-connections 6000] [--front pages|demo]");
        System.exit(2);
    }
}
