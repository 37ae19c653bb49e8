package dev.baton.operations;

import dev.baton.context.RequestContext;
import dev.baton.operations.store.InMemoryOperationStore;
import dev.baton.operations.store.OperationStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The operations module's settings; immutable, made by {@link #builder()} with sane defaults.
 *
 * <pre>{@code OperationsConfig.builder().maxRunning(8).retention(Duration.ofHours(1)).build()}</pre>
 *
 * @param prefix           the path under which the HTTP API lives
 * @param maxRunning       operations running at once on this node
 * @param maxQueued        operations waiting on this node; past it, 503
 * @param maxInputSize     bytes of input JSON; past it, 413
 * @param defaultTimeout   an attempt's timeout when its type sets none
 * @param cancelGrace      how long a cancelled handler may take to stop before it is abandoned
 * @param retention        how long a finished operation is kept
 * @param progressInterval the least time between two progress writes of one operation
 * @param retryAfter       the {@code Retry-After} while an operation runs, and on 503
 * @param maxWait          the longest {@code Prefer: wait}
 * @param heartbeat        the interval of heartbeat comments on event streams
 * @param lease            how long a claim holds without renewal (renewed at a third of it)
 * @param owner            the owner of the operations a request creates and may see; null for none
 * @param store            where operations live
 * @param clock            the clock of timestamps and retention
 * @param publicUri        the scheme and authority clients reach this server by, for {@code Operation-Location}
 *                         ({@code https://api.example.com}); null: {@code http://} and the request's {@code Host}
 */
public record OperationsConfig(String prefix, int maxRunning, int maxQueued, long maxInputSize, Duration defaultTimeout,
                               Duration cancelGrace, Duration retention, Duration progressInterval, Duration retryAfter,
                               Duration maxWait, Duration heartbeat, Duration lease,
                               Function<RequestContext, String> owner, OperationStore store, Clock clock,
                               java.net.URI publicUri) {

    public OperationsConfig {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(clock, "clock");
        if (publicUri != null && (publicUri.getScheme() == null || publicUri.getRawAuthority() == null
                || publicUri.getRawPath() != null && !publicUri.getRawPath().isEmpty() && !publicUri.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("publicUri is a scheme and an authority only (https://api.example.com): " + publicUri);
        }
        if (prefix == null || !prefix.startsWith("/") || prefix.length() > 1 && prefix.endsWith("/") || prefix.contains("{")) {
            throw new IllegalArgumentException("prefix must start with '/', not end with one and hold no parameter: " + prefix);
        }
        if (maxRunning < 1 || maxQueued < 0 || maxInputSize < 0) {
            throw new IllegalArgumentException("maxRunning must be >= 1, maxQueued and maxInputSize >= 0");
        }
        for (Duration d : new Duration[] {defaultTimeout, retention, retryAfter, lease}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("defaultTimeout, retention, retryAfter and lease must be positive");
            }
        }
        for (Duration d : new Duration[] {cancelGrace, progressInterval, maxWait, heartbeat}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("cancelGrace, progressInterval, maxWait and heartbeat must be >= 0");
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.prefix = prefix;
        b.maxRunning = maxRunning;
        b.maxQueued = maxQueued;
        b.maxInputSize = maxInputSize;
        b.defaultTimeout = defaultTimeout;
        b.cancelGrace = cancelGrace;
        b.retention = retention;
        b.progressInterval = progressInterval;
        b.retryAfter = retryAfter;
        b.maxWait = maxWait;
        b.heartbeat = heartbeat;
        b.lease = lease;
        b.owner = owner;
        b.store = store;
        b.clock = clock;
        b.publicUri = publicUri;
        return b;
    }

    /** Builds an {@link OperationsConfig}; every setting has a default. */
    public static final class Builder {
        private String prefix = "/operations";
        private int maxRunning = 2 * Runtime.getRuntime().availableProcessors();
        private int maxQueued = 10_000;
        private long maxInputSize = 1024 * 1024;
        private Duration defaultTimeout = Duration.ofHours(1);
        private Duration cancelGrace = Duration.ofSeconds(5);
        private Duration retention = Duration.ofHours(24);
        private Duration progressInterval = Duration.ofMillis(50);
        private Duration retryAfter = Duration.ofSeconds(1);
        private Duration maxWait = Duration.ofSeconds(60);
        private Duration heartbeat = Duration.ofSeconds(15);
        private Duration lease = Duration.ofSeconds(10);
        private Function<RequestContext, String> owner = ctx -> null;
        private OperationStore store;
        private Clock clock = Clock.systemUTC();
        private java.net.URI publicUri;

        private Builder() {
        }

        public Builder prefix(String value) { prefix = value; return this; }
        public Builder maxRunning(int value) { maxRunning = value; return this; }
        public Builder maxQueued(int value) { maxQueued = value; return this; }
        public Builder maxInputSize(long value) { maxInputSize = value; return this; }
        public Builder defaultTimeout(Duration value) { defaultTimeout = value; return this; }
        public Builder cancelGrace(Duration value) { cancelGrace = value; return this; }
        public Builder retention(Duration value) { retention = value; return this; }
        public Builder progressInterval(Duration value) { progressInterval = value; return this; }
        public Builder retryAfter(Duration value) { retryAfter = value; return this; }
        public Builder maxWait(Duration value) { maxWait = value; return this; }
        public Builder heartbeat(Duration value) { heartbeat = value; return this; }
        public Builder lease(Duration value) { lease = value; return this; }
        /**
         * Who owns what a request creates, and so which operations it may see: from a header, a
         * token, an attribute set by auth middleware. Throw an {@code HttpException(401, ...)} to
         * refuse a request without one. null means no owner (shared).
         */
        public Builder owner(Function<RequestContext, String> value) { owner = value; return this; }
        public Builder store(OperationStore value) { store = value; return this; }
        public Builder clock(Clock value) { clock = value; return this; }
        /** Where clients reach this server ({@code https://api.example.com}), for {@code Operation-Location} behind TLS or a proxy. */
        public Builder publicUri(java.net.URI value) { publicUri = value; return this; }

        public OperationsConfig build() {
            return new OperationsConfig(prefix, maxRunning, maxQueued, maxInputSize, defaultTimeout, cancelGrace, retention,
                    progressInterval, retryAfter, maxWait, heartbeat, lease, owner,
                    store != null ? store : new InMemoryOperationStore(), clock, publicUri);
        }
    }
}
