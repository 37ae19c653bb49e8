package dev.baton.demo;

import dev.baton.Server;
import dev.baton.client.HttpClient;
import dev.baton.demo.backend.BackendService;
import dev.baton.operations.Operations;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * A started demo, for {@code main}, the tests and the experiment: the front server, the backend
 * (when it runs in this process), the shared client and the operations feature.
 *
 * <pre>{@code try (RunningDemo demo = DemoApp.start(DemoOptions.builder().port(0).build())) {
 *     URI page = demo.frontUri().resolve("/PWGasync");
 * }}</pre>
 */
public final class RunningDemo implements AutoCloseable {
    private final DemoOptions options;
    private final Server front;
    private final Server backend;
    private final BackendService backendService;
    private final URI backendUri;
    private final HttpClient client;
    private final Operations operations;

    RunningDemo(DemoOptions options, Server front, Server backend, BackendService backendService, URI backendUri,
                HttpClient client, Operations operations) {
        this.options = options;
        this.front = front;
        this.backend = backend;
        this.backendService = backendService;
        this.backendUri = backendUri;
        this.client = client;
        this.operations = operations;
    }

    public DemoOptions options() {
        return options;
    }

    public Server front() {
        return front;
    }

    /** The in-process backend server; empty when the demo uses an external one. */
    public Optional<Server> backend() {
        return Optional.ofNullable(backend);
    }

    /** The in-process backend's counters; empty when the demo uses an external one. */
    public Optional<BackendService> backendService() {
        return Optional.ofNullable(backendService);
    }

    public int frontPort() {
        return front.port();
    }

    /** The backend's port, in process or not. */
    public int backendPort() {
        return backendUri.getPort() >= 0 ? backendUri.getPort() : 80;
    }

    /** Where the front listens, as a loopback URI ({@code http://127.0.0.1:8080}). */
    public URI frontUri() {
        return DemoApp.loopback(options.host(), front.port());
    }

    public URI backendUri() {
        return backendUri;
    }

    /** The front's outbound client (on the front server's event loops). */
    public HttpClient client() {
        return client;
    }

    public Operations operations() {
        return operations;
    }

    /** Stops the front (1 s for requests in flight), then the backend. */
    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    public void close(Duration grace) {
        try {
            front.stop(grace);
            client.close();
        } finally {
            if (backend != null) {
                backend.stop(grace);
            }
        }
    }
}
