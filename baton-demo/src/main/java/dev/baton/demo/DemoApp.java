package dev.baton.demo;

import dev.baton.Server;
import dev.baton.Tracing;
import dev.baton.client.HttpClient;
import dev.baton.demo.backend.BackendService;
import dev.baton.demo.catalog.Delay;
import dev.baton.demo.dashboard.Dashboard;
import dev.baton.demo.front.ErrorPages;
import dev.baton.demo.front.FrontRoutes;
import dev.baton.demo.front.OverloadPages;
import dev.baton.demo.front.Outbound;
import dev.baton.demo.front.ReportOperation;
import dev.baton.demo.front.ReportPages;
import dev.baton.demo.front.SamplePages;
import dev.baton.demo.front.StyleActions;
import dev.baton.demo.front.StylePages;
import dev.baton.demo.web.Stopwatch;
import dev.baton.operations.Operations;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code ./baton demo}: the Products, Widgets and Gizmos sample of ASP.NET MVC 4's "Using
 * Asynchronous Methods" tutorial, on Baton. A backend service (its own server, in this process
 * unless {@code --backend-url} names one) answers JSON lists after a delay; the front application's
 * pages call it through {@code baton-client}, synchronously and asynchronously, side by side.
 *
 * <pre>{@code ./baton demo [--port 8080] [--backend-port 0] [--workers 8] [--queue 32] [--backend-url URL]}</pre>
 */
public final class DemoApp {
    private static final String USAGE = """
            usage: baton demo [options]
              --port N            the front's port (default 8080; 0 for any free one)
              --backend-port N    the in-process backend's port (default 0: any free one)
              --backend-url URL   use the backend at URL (http://host:port) instead of starting one
              --workers N         the front's worker threads (default 8)
              --queue N           requests that may wait for a worker before 503 (default 32)
              --host H            the address both servers bind (default 127.0.0.1; 0.0.0.0 for every one)
              --delay MS          the backend's delay when a call asks for none: 500, or a range 200-800
              --fail-rate R       the backend's chance of a 500 when a call asks for none (0 to 1, default 0)
              --backend-only      start only the backend (on --backend-port), for a front elsewhere""";

    private DemoApp() {
    }

    public static void main(String[] args) {
        List<String> flags = List.of(args);
        if (flags.contains("--help") || flags.contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        boolean backendOnly = flags.contains("--backend-only");
        DemoOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("baton demo: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (backendOnly) {
            Server backend = new BackendService(options.backendDelay(), options.backendFailRate())
                    .start(options.host(), options.backendPort());
            System.out.println("Baton demo backend on " + loopback(options.host(), backend.port()) + "/api/products");
            Runtime.getRuntime().addShutdownHook(new Thread(backend::stop, "baton-demo-shutdown"));
            return;
        }
        RunningDemo demo = start(options);
        System.out.println("Baton demo on " + demo.frontUri() + "/  (backend " + demo.backendUri() + ", "
                + options.workers() + " workers, a queue of " + options.queue() + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "baton-demo-shutdown"));
    }

    /**
     * Starts the backend (unless {@link DemoOptions#backendUrl()} names one) and the front.
     *
     * @throws RuntimeException if a port cannot be bound; nothing is left running then
     */
    public static RunningDemo start(DemoOptions o) {
        BackendService service = null;
        Server backend = null;
        URI backendUri = o.backendUrl();
        if (backendUri == null) {
            service = new BackendService(o.backendDelay(), o.backendFailRate());
            backend = service.start(o.host(), o.backendPort());
            backendUri = loopback(o.host(), backend.port());
        }
        Server front = null;
        HttpClient client = null;
        try {
            Outbound outbound = new Outbound(backendUri);
            Operations operations = Operations.builder().type(ReportOperation.type(outbound)).build();
            Server[] self = new Server[1];
            Server.Builder builder = Server.builder()
                    .config(c -> c.host(o.host()).port(o.port()).workerThreads(o.workers()).requestQueueCapacity(o.queue())
                            .tracing(Tracing.ON_REQUEST))
                    .feature(operations)
                    .actionFilter(new Stopwatch())
                    .controllers(new SamplePages(outbound), new StylePages(outbound), new StyleActions(outbound),
                            new ReportPages(outbound), new OverloadPages(outbound, o.workers(), o.queue()))
                    .routing(r -> {
                        FrontRoutes.register(r, outbound, () -> self[0], operations, o.workers(), o.queue());
                        Dashboard.install(r, () -> self[0], outbound::client, operations); // DASHBOARD: /dashboard, /metrics
                    });
            front = self[0] = ErrorPages.register(builder).build();
            // the client runs on the front's own event loops, which exist once the server is built
            client = HttpClient.builder().eventLoops(front.eventLoopGroup()).maxConnectionsPerHost(o.clientConnections()).build();
            outbound.connect(client, () -> loopback(o.host(), self[0].port()));
            front.start();
            return new RunningDemo(o, front, backend, service, backendUri, client, operations);
        } catch (RuntimeException e) {
            if (front != null) {
                front.stop(Duration.ZERO);
            }
            if (client != null) {
                client.close();
            }
            if (backend != null) {
                backend.stop(Duration.ZERO);
            }
            throw e;
        }
    }

    /** The command line as options; an {@link IllegalArgumentException} says what is wrong. */
    static DemoOptions parse(String... args) {
        DemoOptions.Builder b = DemoOptions.builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--backend-only")) {
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            String value;
            if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            try {
                switch (name) {
                    case "--port" -> b.port(Integer.parseInt(value));
                    case "--backend-port" -> b.backendPort(Integer.parseInt(value));
                    case "--backend-url" -> b.backendUrl(URI.create(value));
                    case "--workers" -> b.workers(Integer.parseInt(value));
                    case "--queue" -> b.queue(Integer.parseInt(value));
                    case "--host" -> b.host(value);
                    case "--delay" -> b.backendDelay(Delay.parse(value));
                    case "--fail-rate" -> b.backendFailRate(Double.parseDouble(value));
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " takes a number, got '" + value + "'");
            }
        }
        return b.build();
    }

    /** {@code http://host:port}, a wildcard address made loopback so that it can be called. */
    static URI loopback(String host, int port) {
        String h = switch (host) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        };
        return URI.create("http://" + h + ":" + port);
    }
}
