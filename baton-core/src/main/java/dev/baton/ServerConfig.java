package dev.baton;

import dev.baton.config.BatonConfig;
import dev.baton.tls.TlsConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's settings, immutable once built. Every field has a default (see the README's
 * configuration table).
 *
 * <pre>{@code ServerConfig config = ServerConfig.builder().port(0).workerThreads(2).requestQueueCapacity(10).build();}</pre>
 *
 *
 * <p>A class with a private constructor, not a record: the builder is the one way in, so that
 * settings can be added without breaking callers (Netty's {@code HttpDecoderConfig} is the model).
 */
public final class ServerConfig {
    private final String host;
    private final int port;
    private final int eventLoopThreads;
    private final int workerThreads;
    private final int requestQueueCapacity;
    private final int maxInFlight;
    private final int maxConnections;
    private final int maxRequestLineLength;
    private final int maxHeaderSize;
    private final int maxHeaderCount;
    private final long maxBodySize;
    private final Duration requestHeadTimeout;
    private final int minRequestBodyRate;
    private final Duration bodyRateGrace;
    private final Duration idleTimeout;
    private final Duration requestTimeout;
    private final int timeoutStatus;
    private final Duration retryAfter;
    private final Duration shutdownGrace;
    private final ExecutionModel defaultExecution;
    private final boolean nativeTransport;
    private final String serverHeader;
    private final Tracing tracing;
    private final Duration blockedThreadThreshold;
    private final Duration fakeAsyncThreshold;
    private final boolean accessLog;
    private final String livenessPath;
    private final String readinessPath;
    private final Duration shutdownDelay;
    private final boolean shutdownHook;
    private final boolean compression;
    private final int compressionLevel;
    private final int compressionThreshold;
    private final String compressionTypes;
    private final int webSocketMaxFrameSize;
    private final int webSocketMaxMessageSize;
    private final int webSocketSendBufferSize;
    private final Duration webSocketIdleTimeout;
    private final Duration webSocketPingInterval;
    private final String webSocketAllowedOrigins;
    private final boolean webSocketCompression;
    private final TlsConfig tls;
    private final Http2Config http2;

    /** Worker threads when none are configured: 8 per core, at least 16 (see README for the measurement). */
    public static int defaultWorkerThreads() {
        return Math.max(16, 8 * Runtime.getRuntime().availableProcessors());
    }

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.eventLoopThreads = b.eventLoopThreads;
        this.workerThreads = b.workerThreads;
        this.requestQueueCapacity = b.requestQueueCapacity;
        this.maxInFlight = b.maxInFlight;
        this.maxConnections = b.maxConnections;
        this.maxRequestLineLength = b.maxRequestLineLength;
        this.maxHeaderSize = b.maxHeaderSize;
        this.maxHeaderCount = b.maxHeaderCount;
        this.maxBodySize = b.maxBodySize;
        this.requestHeadTimeout = b.requestHeadTimeout;
        this.minRequestBodyRate = b.minRequestBodyRate;
        this.bodyRateGrace = b.bodyRateGrace;
        this.idleTimeout = b.idleTimeout;
        this.requestTimeout = b.requestTimeout;
        this.timeoutStatus = b.timeoutStatus;
        this.retryAfter = b.retryAfter;
        this.shutdownGrace = b.shutdownGrace;
        this.defaultExecution = b.defaultExecution;
        this.nativeTransport = b.nativeTransport;
        this.tracing = b.tracing;
        this.blockedThreadThreshold = b.blockedThreadThreshold;
        this.fakeAsyncThreshold = b.fakeAsyncThreshold;
        this.accessLog = b.accessLog;
        this.livenessPath = b.livenessPath == null ? "" : b.livenessPath;
        this.readinessPath = b.readinessPath == null ? "" : b.readinessPath;
        this.shutdownDelay = b.shutdownDelay;
        this.shutdownHook = b.shutdownHook;
        this.compression = b.compression;
        this.compressionLevel = b.compressionLevel;
        this.compressionThreshold = b.compressionThreshold;
        this.compressionTypes = b.compressionTypes;
        this.webSocketMaxFrameSize = b.webSocketMaxFrameSize;
        this.webSocketMaxMessageSize = b.webSocketMaxMessageSize;
        this.webSocketSendBufferSize = b.webSocketSendBufferSize;
        this.webSocketIdleTimeout = b.webSocketIdleTimeout;
        this.webSocketPingInterval = b.webSocketPingInterval;
        this.webSocketCompression = b.webSocketCompression;
        this.webSocketAllowedOrigins = b.webSocketAllowedOrigins == null ? "" : b.webSocketAllowedOrigins.strip();
        this.tls = b.tls == null ? null : b.tls.build();
        this.serverHeader = b.serverHeader == null ? "" : b.serverHeader;
        this.http2 = new Http2Config(b.http2, b.http2MaxConcurrentStreams, b.http2InitialWindowSize, b.http2MaxFrameSize,
                b.http2MaxResetsPerWindow, b.http2ResetWindow, b.http2MaxQueuedControlFrames, b.http2MaxEmptyDataFrames,
                b.http2MaxSmallContinuationFrames, b.http2MaxConnectionBodyBytes);
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
        require(compressionLevel >= 1 && compressionLevel <= 9, "compressionLevel must be 1..9");
        require(compressionThreshold >= 0, "compressionThreshold must be >= 0");
        require(compressionTypes != null, "compressionTypes is required (empty: compress nothing)");
        dev.baton.internal.coding.CompressibleTypes.parse(compressionTypes); // a bad pattern fails here, not per response
        require(defaultExecution != null, "defaultExecution is required");
        require(host != null && !host.isBlank(), "host is required");
        require(serverHeader.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff)),
                "serverHeader must be visible Latin-1 text (no CR, LF or other control characters)");
        require(tracing != null, "tracing is required");
        require(nonNegative(blockedThreadThreshold), "blockedThreadThreshold must be >= 0 (0 disables)");
        require(nonNegative(fakeAsyncThreshold), "fakeAsyncThreshold must be >= 0 (0 disables)");
        require(isHealthPath(livenessPath), "livenessPath must be empty (off) or a path of plain segments, like /health/live: " + livenessPath);
        require(isHealthPath(readinessPath), "readinessPath must be empty (off) or a path of plain segments, like /health/ready: " + readinessPath);
        require(livenessPath.isEmpty() || !livenessPath.equals(readinessPath), "livenessPath and readinessPath must differ");
        require(nonNegative(shutdownDelay), "shutdownDelay must be >= 0");
        require(webSocketMaxFrameSize >= 125, "webSocketMaxFrameSize must be >= 125");
        require(webSocketMaxMessageSize >= 125, "webSocketMaxMessageSize must be >= 125");
        require(webSocketSendBufferSize > 0, "webSocketSendBufferSize must be > 0");
        require(nonNegative(webSocketIdleTimeout), "webSocketIdleTimeout must be >= 0 (0 disables)");
        require(nonNegative(webSocketPingInterval), "webSocketPingInterval must be >= 0 (0 disables)");
    }

    /** Address to bind. */
    public String host() {
        return host;
    }

    /** Port to bind; 0 picks a free one. */
    public int port() {
        return port;
    }

    /** Netty I/O threads; 0 means one per core. */
    public int eventLoopThreads() {
        return eventLoopThreads;
    }

    /** Request worker pool size (platform threads) for {@link ExecutionModel#WORKER}. */
    public int workerThreads() {
        return workerThreads;
    }

    /** Requests that may wait for a worker; past it, 503. */
    public int requestQueueCapacity() {
        return requestQueueCapacity;
    }

    /** Requests admitted at once over all models; past it, 503. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Open connections; past it, new ones are closed at once. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Bytes in the request line; past it, 414. */
    public int maxRequestLineLength() {
        return maxRequestLineLength;
    }

    /** Bytes in the header block; past it, 431. */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** Header fields; past it, 431. */
    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    /** Body bytes; past it, 413 before the body is read. */
    public long maxBodySize() {
        return maxBodySize;
    }

    /** Time to receive a whole request head (slowloris guard); past it, 408. */
    public Duration requestHeadTimeout() {
        return requestHeadTimeout;
    }

    /** Bytes per second a body must average once it has had {@code bodyRateGrace} (a body trickled to hold the connection); below it, 408; 0 disables. */
    public int minRequestBodyRate() {
        return minRequestBodyRate;
    }

    /** How long a body may arrive at any pace first (Kestrel's grace period). */
    public Duration bodyRateGrace() {
        return bodyRateGrace;
    }

    /** How long an idle keep-alive connection stays open. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Global async timeout; {@link Duration#ZERO} for none. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Status sent when the timeout fires (504 by default, as ASP.NET Core). */
    public int timeoutStatus() {
        return timeoutStatus;
    }

    /** The Retry-After sent with every 503. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** How long graceful shutdown waits for in-flight requests. */
    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    /** Execution model of routes that set none. */
    public ExecutionModel defaultExecution() {
        return defaultExecution;
    }

    /** Use epoll when available. */
    public boolean nativeTransport() {
        return nativeTransport;
    }

    /** Value of the Server header; empty for none. */
    public String serverHeader() {
        return serverHeader;
    }

    /** When responses carry a Server-Timing thread trace. */
    public Tracing tracing() {
        return tracing;
    }

    /** An event loop held longer than this is reported (with its stack); zero disables. */
    public Duration blockedThreadThreshold() {
        return blockedThreadThreshold;
    }

    /** An async handler that holds its thread longer than this before returning its stage is reported; zero disables. */
    public Duration fakeAsyncThreshold() {
        return fakeAsyncThreshold;
    }

    /** Whether each request is logged, once its response is done, on the SLF4J logger {@code dev.baton.access} (INFO). */
    public boolean accessLog() {
        return accessLog;
    }

    /** The liveness probe's path (200 while the process serves); empty when off. */
    public String livenessPath() {
        return livenessPath;
    }

    /** The readiness probe's path (503 from the start of a graceful stop, or while a readiness check fails); empty when off. */
    public String readinessPath() {
        return readinessPath;
    }

    /**
     * How long a graceful stop keeps serving, with readiness already at 503, before it stops
     * accepting: time for load balancers to take the node out.
     */
    public Duration shutdownDelay() {
        return shutdownDelay;
    }

    /**
     * Whether {@link Server#start()} installs a JVM shutdown hook that stops the server
     * gracefully (on SIGTERM, Ctrl-C or {@code System.exit}); {@link Server#stop()} removes it.
     */
    public boolean shutdownHook() {
        return shutdownHook;
    }

    /** Whether responses are gzipped for clients that accept it (see the README's Compression section). */
    public boolean compression() {
        return compression;
    }

    /** The deflate level, 1 (fastest) to 9 (smallest). */
    public int compressionLevel() {
        return compressionLevel;
    }

    /** Bodies shorter than this many bytes are sent as they are (streamed bodies, of unknown length, are compressed). */
    public int compressionThreshold() {
        return compressionThreshold;
    }

    /** The media types compressed, comma-separated: {@code type/subtype}, {@code type/*} or {@code +suffix}. */
    public String compressionTypes() {
        return compressionTypes;
    }

    /** The largest WebSocket frame payload a client may send; a larger frame closes the session with 1009. */
    public int webSocketMaxFrameSize() {
        return webSocketMaxFrameSize;
    }

    /** The largest WebSocket message (fragments joined, decompressed); a larger one closes the session with 1009. */
    public int webSocketMaxMessageSize() {
        return webSocketMaxMessageSize;
    }

    /** Bytes a WebSocket session may have sent and not yet written; past them a send fails at once. */
    public int webSocketSendBufferSize() {
        return webSocketSendBufferSize;
    }

    /** A WebSocket session that receives nothing (not even a pong) this long is closed with 1001; zero for never. */
    public Duration webSocketIdleTimeout() {
        return webSocketIdleTimeout;
    }

    /** How often the server pings a quiet WebSocket session; zero for never. */
    public Duration webSocketPingInterval() {
        return webSocketPingInterval;
    }

    /**
     * The origins allowed to open a WebSocket, comma-separated ({@code https://app.example.com});
     * empty (the default) allows any. A handshake from another origin is refused with 403.
     */
    public String webSocketAllowedOrigins() {
        return webSocketAllowedOrigins;
    }

    /** Whether WebSocket sessions may agree permessage-deflate (RFC 7692) with a client that offers it. */
    public boolean webSocketCompression() {
        return webSocketCompression;
    }

    /** The TLS settings when the server speaks HTTPS; empty (the default) for plain HTTP. */
    public Optional<TlsConfig> tls() {
        return Optional.ofNullable(tls);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServerConfig o && Objects.equals(host, o.host) && port == o.port && eventLoopThreads == o.eventLoopThreads && workerThreads == o.workerThreads && requestQueueCapacity == o.requestQueueCapacity && maxInFlight == o.maxInFlight && maxConnections == o.maxConnections && maxRequestLineLength == o.maxRequestLineLength && maxHeaderSize == o.maxHeaderSize && maxHeaderCount == o.maxHeaderCount && maxBodySize == o.maxBodySize && Objects.equals(requestHeadTimeout, o.requestHeadTimeout) && minRequestBodyRate == o.minRequestBodyRate && Objects.equals(bodyRateGrace, o.bodyRateGrace) && Objects.equals(idleTimeout, o.idleTimeout) && Objects.equals(requestTimeout, o.requestTimeout) && timeoutStatus == o.timeoutStatus && Objects.equals(retryAfter, o.retryAfter) && Objects.equals(shutdownGrace, o.shutdownGrace) && Objects.equals(defaultExecution, o.defaultExecution) && nativeTransport == o.nativeTransport && Objects.equals(serverHeader, o.serverHeader) && Objects.equals(tracing, o.tracing) && Objects.equals(blockedThreadThreshold, o.blockedThreadThreshold) && Objects.equals(fakeAsyncThreshold, o.fakeAsyncThreshold) && accessLog == o.accessLog && Objects.equals(livenessPath, o.livenessPath) && Objects.equals(readinessPath, o.readinessPath) && Objects.equals(shutdownDelay, o.shutdownDelay) && shutdownHook == o.shutdownHook && compression == o.compression && compressionLevel == o.compressionLevel && compressionThreshold == o.compressionThreshold && Objects.equals(compressionTypes, o.compressionTypes) && webSocketMaxFrameSize == o.webSocketMaxFrameSize && webSocketMaxMessageSize == o.webSocketMaxMessageSize && webSocketSendBufferSize == o.webSocketSendBufferSize && Objects.equals(webSocketIdleTimeout, o.webSocketIdleTimeout) && Objects.equals(webSocketPingInterval, o.webSocketPingInterval) && Objects.equals(webSocketAllowedOrigins, o.webSocketAllowedOrigins) && webSocketCompression == o.webSocketCompression && Objects.equals(tls, o.tls) && http2.equals(o.http2);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, eventLoopThreads, workerThreads, requestQueueCapacity, maxInFlight, maxConnections, maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize, requestHeadTimeout, minRequestBodyRate, bodyRateGrace, idleTimeout, requestTimeout, timeoutStatus, retryAfter, shutdownGrace, defaultExecution, nativeTransport, serverHeader, tracing, blockedThreadThreshold, fakeAsyncThreshold, accessLog, livenessPath, readinessPath, shutdownDelay, shutdownHook, compression, compressionLevel, compressionThreshold, compressionTypes, webSocketMaxFrameSize, webSocketMaxMessageSize, webSocketSendBufferSize, webSocketIdleTimeout, webSocketPingInterval, webSocketAllowedOrigins, webSocketCompression, tls, http2);
    }

    @Override
    public String toString() {
        return "ServerConfig[" + "host=" + host + ", " + "port=" + port + ", " + "eventLoopThreads=" + eventLoopThreads + ", " + "workerThreads=" + workerThreads + ", " + "requestQueueCapacity=" + requestQueueCapacity + ", " + "maxInFlight=" + maxInFlight + ", " + "maxConnections=" + maxConnections + ", " + "maxRequestLineLength=" + maxRequestLineLength + ", " + "maxHeaderSize=" + maxHeaderSize + ", " + "maxHeaderCount=" + maxHeaderCount + ", " + "maxBodySize=" + maxBodySize + ", " + "requestHeadTimeout=" + requestHeadTimeout + ", " + "minRequestBodyRate=" + minRequestBodyRate + ", " + "bodyRateGrace=" + bodyRateGrace + ", " + "idleTimeout=" + idleTimeout + ", " + "requestTimeout=" + requestTimeout + ", " + "timeoutStatus=" + timeoutStatus + ", " + "retryAfter=" + retryAfter + ", " + "shutdownGrace=" + shutdownGrace + ", " + "defaultExecution=" + defaultExecution + ", " + "nativeTransport=" + nativeTransport + ", " + "serverHeader=" + serverHeader + ", " + "tracing=" + tracing + ", " + "blockedThreadThreshold=" + blockedThreadThreshold + ", " + "fakeAsyncThreshold=" + fakeAsyncThreshold + ", " + "accessLog=" + accessLog + ", " + "livenessPath=" + livenessPath + ", " + "readinessPath=" + readinessPath + ", " + "shutdownDelay=" + shutdownDelay + ", " + "shutdownHook=" + shutdownHook + ", compression=" + compression + ", compressionLevel=" + compressionLevel + ", compressionThreshold=" + compressionThreshold + ", compressionTypes=" + compressionTypes + ", " + "webSocketMaxFrameSize=" + webSocketMaxFrameSize + ", " + "webSocketMaxMessageSize=" + webSocketMaxMessageSize + ", " + "webSocketSendBufferSize=" + webSocketSendBufferSize + ", " + "webSocketIdleTimeout=" + webSocketIdleTimeout + ", " + "webSocketPingInterval=" + webSocketPingInterval + ", " + "webSocketAllowedOrigins=" + webSocketAllowedOrigins + ", " + "webSocketCompression=" + webSocketCompression + ", " + "tls=" + tls + ", " + "http2=" + http2 + "]";
    }

    /** HTTP/2: on or off, and its limits. */
    public Http2Config http2() {
        return http2;
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

    /** Empty, or {@code /} and plain segments (unreserved characters only): compared as the request's routed path. */
    private static boolean isHealthPath(String p) {
        return p.isEmpty() || p.matches("(/[A-Za-z0-9._~-]+)+") && !p.matches(".*/\\.{1,2}(/.*)?");
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
        private boolean accessLog = false;
        private String livenessPath = "";
        private String readinessPath = "";
        private Duration shutdownDelay = Duration.ZERO;
        private boolean shutdownHook = true;
        private boolean compression = true;
        private int compressionLevel = 4;
        private int compressionThreshold = 1024;
        private String compressionTypes = dev.baton.internal.coding.CompressibleTypes.DEFAULTS;
        private int webSocketMaxFrameSize = 1024 * 1024;
        private int webSocketMaxMessageSize = 1024 * 1024;
        private int webSocketSendBufferSize = 1024 * 1024;
        private Duration webSocketIdleTimeout = Duration.ofSeconds(60);
        private Duration webSocketPingInterval = Duration.ofSeconds(30);
        private String webSocketAllowedOrigins = "";
        private boolean webSocketCompression = false;
        private TlsConfig.Builder tls;
        private boolean http2 = Http2Config.DEFAULTS.enabled();
        private int http2MaxConcurrentStreams = Http2Config.DEFAULTS.maxConcurrentStreams();
        private int http2InitialWindowSize = Http2Config.DEFAULTS.initialWindowSize();
        private int http2MaxFrameSize = Http2Config.DEFAULTS.maxFrameSize();
        private int http2MaxResetsPerWindow = Http2Config.DEFAULTS.maxResetsPerWindow();
        private Duration http2ResetWindow = Http2Config.DEFAULTS.resetWindow();
        private int http2MaxQueuedControlFrames = Http2Config.DEFAULTS.maxQueuedControlFrames();
        private int http2MaxEmptyDataFrames = Http2Config.DEFAULTS.maxEmptyDataFrames();
        private int http2MaxSmallContinuationFrames = Http2Config.DEFAULTS.maxSmallContinuationFrames();
        private long http2MaxConnectionBodyBytes = Http2Config.DEFAULTS.maxConnectionBodyBytes();

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
            accessLog = c.accessLog;
            livenessPath = c.livenessPath;
            readinessPath = c.readinessPath;
            shutdownDelay = c.shutdownDelay;
            shutdownHook = c.shutdownHook;
            compression = c.compression;
            compressionLevel = c.compressionLevel;
            compressionThreshold = c.compressionThreshold;
            compressionTypes = c.compressionTypes;
            webSocketMaxFrameSize = c.webSocketMaxFrameSize;
            webSocketMaxMessageSize = c.webSocketMaxMessageSize;
            webSocketSendBufferSize = c.webSocketSendBufferSize;
            webSocketIdleTimeout = c.webSocketIdleTimeout;
            webSocketPingInterval = c.webSocketPingInterval;
            webSocketAllowedOrigins = c.webSocketAllowedOrigins;
            webSocketCompression = c.webSocketCompression;
            tls = c.tls == null ? null : c.tls.toBuilder();
            http2(c.http2);
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
        /** One INFO line per request on the logger {@code dev.baton.access}; off by default. */
        public Builder accessLog(boolean v) { accessLog = v; return this; }
        /** The liveness probe's path, {@code /health/live} say; empty (the default) for none. */
        public Builder livenessPath(String v) { livenessPath = v; return this; }
        /** The readiness probe's path, {@code /health/ready} say; empty (the default) for none. */
        public Builder readinessPath(String v) { readinessPath = v; return this; }
        /** How long a graceful stop serves on with readiness at 503 before it stops accepting; zero (the default) for none. */
        public Builder shutdownDelay(Duration v) { shutdownDelay = v; return this; }
        /** Whether start() installs a JVM shutdown hook that stops the server gracefully; true by default. */
        public Builder shutdownHook(boolean v) { shutdownHook = v; return this; }
        /** The largest WebSocket frame payload a client may send (1 MiB by default). */
        public Builder webSocketMaxFrameSize(int v) { webSocketMaxFrameSize = v; return this; }
        /** The largest WebSocket message, fragments joined and decompressed (1 MiB by default). */
        public Builder webSocketMaxMessageSize(int v) { webSocketMaxMessageSize = v; return this; }
        /** Bytes a WebSocket session may have sent and not yet written (1 MiB by default). */
        public Builder webSocketSendBufferSize(int v) { webSocketSendBufferSize = v; return this; }
        /** A silent WebSocket session is closed after this (60 s by default); zero for never. */
        public Builder webSocketIdleTimeout(Duration v) { webSocketIdleTimeout = v; return this; }
        /** How often the server pings a quiet WebSocket session (30 s by default); zero for never. */
        public Builder webSocketPingInterval(Duration v) { webSocketPingInterval = v; return this; }
        /** Origins allowed to open a WebSocket, comma-separated; empty (the default) for any. */
        public Builder webSocketAllowedOrigins(String v) { webSocketAllowedOrigins = v; return this; }
        /** Whether WebSocket sessions may agree permessage-deflate; off by default. */
        public Builder webSocketCompression(boolean v) { webSocketCompression = v; return this; }

        /** Whether responses are gzipped for clients that accept it; true by default. */
        public Builder compression(boolean v) { compression = v; return this; }

        /** The deflate level, 1..9; 4 by default (within 1% of level 6's size at about half its CPU, see bench/RESULTS.md). */
        public Builder compressionLevel(int v) { compressionLevel = v; return this; }

        /** Bodies shorter than this many bytes are not compressed; 1024 by default. */
        public Builder compressionThreshold(int v) { compressionThreshold = v; return this; }

        /** The media types compressed, comma-separated ({@code text/*}, {@code +json}, {@code application/wasm}); empty for none. */
        public Builder compressionTypes(String v) { compressionTypes = v; return this; }

        /** Serve HTTPS with these TLS settings; null (the default) for plain HTTP. */
        public Builder tls(TlsConfig v) { tls = v == null ? null : v.toBuilder(); return this; }

        /**
         * One TLS setting by the name of its {@link TlsConfig.Builder} method, as {@code baton.yaml}
         * gives them ({@code server.tls.certificateChain: /etc/baton/cert.pem}).
         *
         * @throws IllegalArgumentException for an unknown setting or a bad value
         */
        public Builder tls(String setting, String value) {
            BatonConfig.set(tls == null ? tls = TlsConfig.builder() : tls, setting, value);
            return this;
        }

        /** Whether the server speaks HTTP/2 (h2c by prior knowledge, h2 by ALPN); true by default. */
        public Builder http2(boolean v) { http2 = v; return this; }
        /** Streams one HTTP/2 client may have open at once; 100 by default. */
        public Builder http2MaxConcurrentStreams(int v) { http2MaxConcurrentStreams = v; return this; }
        public Builder http2InitialWindowSize(int v) { http2InitialWindowSize = v; return this; }
        public Builder http2MaxFrameSize(int v) { http2MaxFrameSize = v; return this; }
        /** RST_STREAM frames a client may send per {@link #http2ResetWindow} (the rapid-reset flood); 200 by default, 0 disables. */
        public Builder http2MaxResetsPerWindow(int v) { http2MaxResetsPerWindow = v; return this; }
        public Builder http2ResetWindow(Duration v) { http2ResetWindow = v; return this; }
        /** Control frames queued for a client that does not read (SETTINGS and PING floods); 10000 by default. */
        public Builder http2MaxQueuedControlFrames(int v) { http2MaxQueuedControlFrames = v; return this; }
        public Builder http2MaxEmptyDataFrames(int v) { http2MaxEmptyDataFrames = v; return this; }
        public Builder http2MaxSmallContinuationFrames(int v) { http2MaxSmallContinuationFrames = v; return this; }
        /** Request body bytes one HTTP/2 connection may hold at once across its streams; 32 MiB by default. */
        public Builder http2MaxConnectionBodyBytes(long v) { http2MaxConnectionBodyBytes = v; return this; }

        /** All HTTP/2 settings at once. */
        public Builder http2(Http2Config v) {
            http2 = v.enabled();
            http2MaxConcurrentStreams = v.maxConcurrentStreams();
            http2InitialWindowSize = v.initialWindowSize();
            http2MaxFrameSize = v.maxFrameSize();
            http2MaxResetsPerWindow = v.maxResetsPerWindow();
            http2ResetWindow = v.resetWindow();
            http2MaxQueuedControlFrames = v.maxQueuedControlFrames();
            http2MaxEmptyDataFrames = v.maxEmptyDataFrames();
            http2MaxSmallContinuationFrames = v.maxSmallContinuationFrames();
            http2MaxConnectionBodyBytes = v.maxConnectionBodyBytes();
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
