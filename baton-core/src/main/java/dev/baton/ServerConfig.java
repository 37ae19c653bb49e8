package dev.baton;

import java.time.Duration;

/**
 * The server's settings, immutable once built. Every field has a default (see the README's
 * configuration table).
 *
 * <pre>{@code ServerConfig config = ServerConfig.builder().port(0).workerThreads(2).requestQueueCapacity(10).build();}</pre>
 *
 * @param host                  address to bind
 * @param port                  port to bind; 0 picks a free one
 * @param eventLoopThreads      Netty I/O threads; 0 means one per core
 * @param workerThreads         request worker pool size (platform threads) for {@link ExecutionModel#WORKER}
 * @param requestQueueCapacity  requests that may wait for a worker; past it, 503
 * @param maxInFlight           requests admitted at once over all models; past it, 503
 * @param maxConnections        open connections; past it, new ones are closed at once
 * @param maxRequestLineLength  bytes in the request line; past it, 414
 * @param maxHeaderSize         bytes in the header block; past it, 431
 * @param maxHeaderCount        header fields; past it, 431
 * @param maxBodySize           body bytes; past it, 413 before the body is read
 * @param requestHeadTimeout    time to receive a whole request head (slowloris guard); past it, 408
 * @param minRequestBodyRate    bytes per second a body must average once it has had {@code bodyRateGrace}
 *                              (a body trickled to hold the connection); below it, 408; 0 disables
 * @param bodyRateGrace         how long a body may arrive at any pace first (Kestrel's grace period)
 * @param idleTimeout           how long an idle keep-alive connection stays open
 * @param requestTimeout        global async timeout; {@link Duration#ZERO} for none
 * @param timeoutStatus         status sent when the timeout fires (504 by default, as ASP.NET Core)
 * @param retryAfter            the Retry-After sent with every 503
 * @param shutdownGrace         how long graceful shutdown waits for in-flight requests
 * @param defaultExecution      execution model of routes that set none
 * @param nativeTransport       use epoll when available
 * @param serverHeader          value of the Server header; empty for none
 * @param tracing               when responses carry a Server-Timing thread trace
 * @param blockedThreadThreshold an event loop held longer than this is reported (with its stack); zero disables
 * @param fakeAsyncThreshold    an async handler that holds its thread longer than this before returning its stage is reported; zero disables
 */
public record ServerConfig(
        String host,
        int port,
        int eventLoopThreads,
        int workerThreads,
        int requestQueueCapacity,
        int maxInFlight,
        int maxConnections,
        int maxRequestLineLength,
        int maxHeaderSize,
        int maxHeaderCount,
        long maxBodySize,
        Duration requestHeadTimeout,
        int minRequestBodyRate,
        Duration bodyRateGrace,
        Duration idleTimeout,
        Duration requestTimeout,
        int timeoutStatus,
        Duration retryAfter,
        Duration shutdownGrace,
        ExecutionModel defaultExecution,
        boolean nativeTransport,
        String serverHeader,
        Tracing tracing,
        Duration blockedThreadThreshold,
        Duration fakeAsyncThreshold) {

    /** Worker threads when none are configured: 8 per core, at least 16 (see README for the measurement). */
    public static int defaultWorkerThreads() {
        return Math.max(16, 8 * Runtime.getRuntime().availableProcessors());
    }

    public ServerConfig {
        require(port >= 0 && port <= 65535, "port must be 0..65535");
        require(eventLoopThreads >= 0, "eventLoopThreads must be >= 0");
        require(workerThreads > 0, "workerThreads must be > 0");
        require(requestQueueCapacity >= 0, "requestQueueCapacity must be >= 0");
        require(maxInFlight > 0, "maxInFlight must be > 0");
        require(maxConnections > 0, "maxConnections must be > 0");
        require(maxRequestLineLength >= 64, "maxRequestLineLength must be >= 64");
        require(maxHeaderSize >= 256, "maxHeaderSize must be >= 256");
        require(maxHeaderCount > 0, "maxHeaderCount must be > 0");
        require(maxBodySize >= 0 && maxBodySize <= Integer.MAX_VALUE - 8, "maxBodySize must be 0..2 GiB");
        require(requestHeadTimeout != null && requestHeadTimeout.toMillis() > 0,
                "requestHeadTimeout must be positive: a head that never completes would hold its connection forever");
        require(minRequestBodyRate >= 0, "minRequestBodyRate must be >= 0 (0 disables)");
        require(nonNegative(bodyRateGrace), "bodyRateGrace must be >= 0");
        require(nonNegative(idleTimeout), "idleTimeout must be >= 0");
        require(nonNegative(requestTimeout), "requestTimeout must be >= 0 (0 means none)");
        require(timeoutStatus >= 400 && timeoutStatus <= 599, "timeoutStatus must be 4xx or 5xx");
        require(nonNegative(retryAfter), "retryAfter must be >= 0");
        require(nonNegative(shutdownGrace), "shutdownGrace must be >= 0");
        require(defaultExecution != null, "defaultExecution is required");
        require(host != null && !host.isBlank(), "host is required");
        serverHeader = serverHeader == null ? "" : serverHeader;
        require(serverHeader.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff)),
                "serverHeader must be visible Latin-1 text (no CR, LF or other control characters)");
        require(tracing != null, "tracing is required");
        require(nonNegative(blockedThreadThreshold), "blockedThreadThreshold must be >= 0 (0 disables)");
        require(nonNegative(fakeAsyncThreshold), "fakeAsyncThreshold must be >= 0 (0 disables)");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Seconds for the Retry-After header, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }

    private static boolean nonNegative(Duration d) {
        return d != null && !d.isNegative();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Fluent builder with the documented defaults. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private int eventLoopThreads = 0;
        private int workerThreads = defaultWorkerThreads();
        private int requestQueueCapacity = 1000;
        private int maxInFlight = 10_000;
        private int maxConnections = 10_000;
        private int maxRequestLineLength = 4096;
        private int maxHeaderSize = 8192;
        private int maxHeaderCount = 100;
        private long maxBodySize = 10L * 1024 * 1024;
        private Duration requestHeadTimeout = Duration.ofSeconds(10);
        private int minRequestBodyRate = 240;
        private Duration bodyRateGrace = Duration.ofSeconds(5);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int timeoutStatus = 504;
        private Duration retryAfter = Duration.ofSeconds(1);
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private ExecutionModel defaultExecution = ExecutionModel.WORKER;
        private boolean nativeTransport = true;
        private String serverHeader = "baton";
        private Tracing tracing = Tracing.OFF;
        private Duration blockedThreadThreshold = Duration.ofMillis(100);
        private Duration fakeAsyncThreshold = Duration.ofMillis(100);

        Builder() {
        }

        Builder(ServerConfig c) {
            host = c.host;
            port = c.port;
            eventLoopThreads = c.eventLoopThreads;
            workerThreads = c.workerThreads;
            requestQueueCapacity = c.requestQueueCapacity;
            maxInFlight = c.maxInFlight;
            maxConnections = c.maxConnections;
            maxRequestLineLength = c.maxRequestLineLength;
            maxHeaderSize = c.maxHeaderSize;
            maxHeaderCount = c.maxHeaderCount;
            maxBodySize = c.maxBodySize;
            requestHeadTimeout = c.requestHeadTimeout;
            minRequestBodyRate = c.minRequestBodyRate;
            bodyRateGrace = c.bodyRateGrace;
            idleTimeout = c.idleTimeout;
            requestTimeout = c.requestTimeout;
            timeoutStatus = c.timeoutStatus;
            retryAfter = c.retryAfter;
            shutdownGrace = c.shutdownGrace;
            defaultExecution = c.defaultExecution;
            nativeTransport = c.nativeTransport;
            serverHeader = c.serverHeader;
            tracing = c.tracing;
            blockedThreadThreshold = c.blockedThreadThreshold;
            fakeAsyncThreshold = c.fakeAsyncThreshold;
        }

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder eventLoopThreads(int v) { eventLoopThreads = v; return this; }
        public Builder workerThreads(int v) { workerThreads = v; return this; }
        public Builder requestQueueCapacity(int v) { requestQueueCapacity = v; return this; }
        public Builder maxInFlight(int v) { maxInFlight = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxRequestLineLength(int v) { maxRequestLineLength = v; return this; }
        public Builder maxHeaderSize(int v) { maxHeaderSize = v; return this; }
        public Builder maxHeaderCount(int v) { maxHeaderCount = v; return this; }
        public Builder maxBodySize(long v) { maxBodySize = v; return this; }
        public Builder requestHeadTimeout(Duration v) { requestHeadTimeout = v; return this; }
        /** Bytes per second a request body must average once past {@link #bodyRateGrace}; 0 disables. */
        public Builder minRequestBodyRate(int v) { minRequestBodyRate = v; return this; }
        public Builder bodyRateGrace(Duration v) { bodyRateGrace = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        /** The global async timeout; {@link Duration#ZERO} for none. */
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder timeoutStatus(int v) { timeoutStatus = v; return this; }
        public Builder retryAfter(Duration v) { retryAfter = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder defaultExecution(ExecutionModel v) { defaultExecution = v; return this; }
        public Builder nativeTransport(boolean v) { nativeTransport = v; return this; }
        public Builder serverHeader(String v) { serverHeader = v; return this; }
        public Builder tracing(Tracing v) { tracing = v; return this; }
        public Builder blockedThreadThreshold(Duration v) { blockedThreadThreshold = v; return this; }
        public Builder fakeAsyncThreshold(Duration v) { fakeAsyncThreshold = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(host, port, eventLoopThreads, workerThreads, requestQueueCapacity, maxInFlight,
                    maxConnections, maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize, requestHeadTimeout,
                    minRequestBodyRate, bodyRateGrace, idleTimeout, requestTimeout, timeoutStatus, retryAfter, shutdownGrace, defaultExecution,
                    nativeTransport, serverHeader, tracing, blockedThreadThreshold, fakeAsyncThreshold);
        }
    }
}
