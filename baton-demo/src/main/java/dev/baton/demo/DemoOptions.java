package dev.baton.demo;

import dev.baton.demo.catalog.Delay;
import java.net.URI;
import java.time.Duration;

/**
 * How the demo runs; immutable, made by {@link #builder()} with the defaults of {@code ./baton demo}.
 *
 * <pre>{@code RunningDemo demo = DemoApp.start(DemoOptions.builder().port(0).workers(8).build());}</pre>
 *
 * @param host              address both servers bind (loopback by default)
 * @param port              the front's port; 0 for any free one
 * @param backendPort       the in-process backend's port; 0 for any free one
 * @param workers           the front's worker threads: few, so that the sync pages starve under load
 * @param queue             requests that may wait for a front worker; past it, 503
 * @param backendUrl        an external backend (scheme and authority) instead of the in-process one; null for none
 * @param backendDelay      the in-process backend's delay when a call asks for none
 * @param backendFailRate   the in-process backend's chance of a 500 when a call asks for none
 * @param clientConnections the front client's connections per host: enough that the client's pool never
 *                          caps the async pages below what the backend can take
 */
public record DemoOptions(String host, int port, int backendPort, int workers, int queue, URI backendUrl,
                          Delay backendDelay, double backendFailRate, int clientConnections) {

    public DemoOptions {
        require(host != null && !host.isBlank(), "host is empty");
        require(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        require(backendPort >= 0 && backendPort <= 65535, "backend port must be 0..65535, got " + backendPort);
        require(workers > 0, "workers must be > 0, got " + workers);
        require(queue >= 0, "queue must be >= 0, got " + queue);
        require(backendUrl == null || "http".equals(backendUrl.getScheme()) && backendUrl.getHost() != null,
                "the backend URL must be http://host:port, got " + backendUrl);
        require(backendDelay != null, "backend delay is null");
        require(backendFailRate >= 0 && backendFailRate <= 1, "fail rate must be 0..1, got " + backendFailRate);
        require(clientConnections > 0, "client connections must be > 0, got " + clientConnections);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().host(host).port(port).backendPort(backendPort).workers(workers).queue(queue)
                .backendUrl(backendUrl).backendDelay(backendDelay).backendFailRate(backendFailRate)
                .clientConnections(clientConnections);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Builds {@link DemoOptions}; every setting starts at its default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private int backendPort = 0;
        private int workers = 8;
        private int queue = 32;
        private URI backendUrl;
        private Delay backendDelay = Delay.of(Duration.ofMillis(500));
        private double backendFailRate;
        private int clientConnections = 512;

        private Builder() {
        }

        public Builder host(String value) { host = value; return this; }
        public Builder port(int value) { port = value; return this; }
        public Builder backendPort(int value) { backendPort = value; return this; }
        public Builder workers(int value) { workers = value; return this; }
        public Builder queue(int value) { queue = value; return this; }
        public Builder backendUrl(URI value) { backendUrl = value; return this; }
        public Builder backendDelay(Delay value) { backendDelay = value; return this; }
        public Builder backendFailRate(double value) { backendFailRate = value; return this; }
        public Builder clientConnections(int value) { clientConnections = value; return this; }

        public DemoOptions build() {
            return new DemoOptions(host, port, backendPort, workers, queue, backendUrl, backendDelay, backendFailRate,
                    clientConnections);
        }
    }
}
