package dev.baton.operations;

import dev.baton.Server;
import dev.baton.ServerFeature;
import dev.baton.operations.internal.OperationRoutes;
import dev.baton.operations.internal.OperationRunner;
import dev.baton.operations.internal.RespondAsyncRoutes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Long-running operations as a server feature: the HTTP API under {@code /operations}, the
 * runner that claims and runs them, and {@code Prefer: respond-async} for routes that opt in.
 *
 * <pre>{@code
 * Operations ops = Operations.builder()
 *     .type(OperationType.of("report", ReportRequest.class, (in, op) -> build(in, op)))
 *     .config(c -> c.maxRunning(4))
 *     .build();
 * Server.builder().feature(ops).build().start();
 * }</pre>
 */
public final class Operations implements ServerFeature {
    private final OperationsConfig config;
    private final Map<String, OperationType<?>> types;
    private volatile OperationRunner runner;

    private Operations(Builder b) {
        this.config = b.config;
        this.types = Map.copyOf(b.types);
    }

    public static Builder builder() {
        return new Builder();
    }

    public OperationsConfig config() {
        return config;
    }

    @Override
    public synchronized void setup(Setup setup) {
        if (runner != null) {
            throw new IllegalStateException("an Operations feature serves one server");
        }
        OperationRunner r = new OperationRunner(config, types, setup.objectMapper());
        OperationRoutes routes = new OperationRoutes(r, setup.objectMapper());
        routes.register(setup.routing());
        setup.respondAsync(new RespondAsyncRoutes(r, routes, setup.objectMapper()));
        runner = r;
    }

    @Override
    public void start(Server server) {
        runner().start();
    }

    @Override
    public void stop(Duration grace) {
        runner().stop(grace);
    }

    /** This node's numbers. */
    public OperationsStats stats() {
        return runner().stats();
    }

    private OperationRunner runner() {
        OperationRunner r = runner;
        if (r == null) {
            throw new IllegalStateException("add this feature to a server first: Server.builder().feature(operations)");
        }
        return r;
    }

    /** Builds {@link Operations}. */
    public static final class Builder {
        private OperationsConfig config = OperationsConfig.builder().build();
        private final Map<String, OperationType<?>> types = new LinkedHashMap<>();

        private Builder() {
        }

        /** Adds an operation type; names are unique. */
        public Builder type(OperationType<?> type) {
            if (types.putIfAbsent(type.name(), type) != null) {
                throw new IllegalArgumentException("two operation types are named '" + type.name() + "'");
            }
            return this;
        }

        public Builder config(OperationsConfig value) {
            config = value;
            return this;
        }

        /** Adjusts the configuration, starting from the current one. */
        public Builder config(Consumer<OperationsConfig.Builder> adjust) {
            OperationsConfig.Builder b = config.toBuilder();
            adjust.accept(b);
            config = b.build();
            return this;
        }

        public Operations build() {
            return new Operations(this);
        }
    }
}
