package dev.baton.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The client's settings, immutable once built by {@link HttpClient.Builder}; every field has a
 * default (see the module README's table).
 *
 * <pre>{@code HttpClient c = HttpClient.builder().maxConnectionsPerHost(32).perHost("inventory:8080", 8).build(); c.config().limitFor("inventory:8080");}</pre>
 *
 * @param eventLoopThreads      threads of the client's own event loops (when not sharing a server's)
 * @param maxConnectionsPerHost connections per host (12 x cores by default, as ASP.NET); for an HTTP/2 host,
 *                              concurrent streams on its one connection
 * @param perHost               limits for particular hosts, by {@code host:port}
 * @param maxQueuedPerHost      requests that may wait for a busy host's connection; past it, {@link PoolExhaustedException}
 * @param connectTimeout        TCP connect plus TLS handshake
 * @param timeout               the default timeout of each attempt ({@link Duration#ZERO}: none); the call's deadline caps it
 * @param idleTimeout           how long an unused pooled connection stays open ({@link Duration#ZERO}: forever)
 * @param maxResponseBytes      the largest buffered response body; stream larger ones
 * @param maxHeaderSize         the largest response header block
 * @param propagateDeadline     send the remaining time in {@code Baton-Timeout}
 * @param userAgent             the User-Agent sent when the request sets none
 * @param retry                 the default retry policy
 * @param connectionWaitThreshold a host whose calls of the last seconds waited longer than this for a
 *                              connection (their 99th percentile) is reported: its limit caps it
 *                              ({@link Duration#ZERO}: never)
 * @param protocols             the protocols offered by ALPN on https, preferred first (h2, then http/1.1 by default)
 * @param h2PriorKnowledge      speak h2c (HTTP/2 without TLS, RFC 9113 3.3) to every cleartext host
 * @param h2PriorKnowledgeFor   the same for particular cleartext hosts, by {@code host:port}; overrides {@code h2PriorKnowledge}
 */
public record ClientConfig(int eventLoopThreads, int maxConnectionsPerHost, Map<String, Integer> perHost,
                           int maxQueuedPerHost, Duration connectTimeout, Duration timeout, Duration idleTimeout,
                           long maxResponseBytes, int maxHeaderSize, boolean propagateDeadline, String userAgent,
                           RetryPolicy retry, Duration connectionWaitThreshold, List<Protocol> protocols,
                           boolean h2PriorKnowledge, Map<String, Boolean> h2PriorKnowledgeFor) {

    public ClientConfig {
        require(eventLoopThreads > 0, "eventLoopThreads must be > 0");
        require(maxConnectionsPerHost > 0, "maxConnectionsPerHost must be > 0");
        require(perHost.values().stream().allMatch(n -> n > 0), "per-host limits must be > 0");
        require(maxQueuedPerHost >= 0, "maxQueuedPerHost must be >= 0");
        require(connectTimeout.toMillis() > 0, "connectTimeout must be positive");
        require(!timeout.isNegative(), "timeout must be >= 0 (0 means none)");
        require(!idleTimeout.isNegative(), "idleTimeout must be >= 0 (0 means none)");
        require(maxResponseBytes > 0 && maxResponseBytes <= Integer.MAX_VALUE - 8, "maxResponseBytes must be 1..2 GiB");
        require(maxHeaderSize >= 1024, "maxHeaderSize must be >= 1024");
        require(retry != null, "retry is required");
        require(connectionWaitThreshold != null && !connectionWaitThreshold.isNegative(),
                "connectionWaitThreshold must be >= 0 (0 disables the report)");
        // host names are case-insensitive, as the pool's keys are
        perHost = perHost.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                e -> dev.baton.client.internal.HostKey.lowerCase(e.getKey()), Map.Entry::getValue, Math::min));
        userAgent = userAgent == null ? "baton-client" : userAgent;
        require(protocols != null && !protocols.isEmpty(), "protocols must name at least one protocol");
        protocols = List.copyOf(new java.util.LinkedHashSet<>(protocols));
        h2PriorKnowledgeFor = h2PriorKnowledgeFor.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                e -> dev.baton.client.internal.HostKey.lowerCase(e.getKey()), Map.Entry::getValue, (a, b) -> b));
    }

    /** Whether the cleartext host {@code hostAndPort} is spoken to in h2c, by prior knowledge. */
    public boolean h2PriorKnowledge(String hostAndPort) {
        return h2PriorKnowledgeFor.getOrDefault(dev.baton.client.internal.HostKey.lowerCase(hostAndPort), h2PriorKnowledge);
    }

    /** The default per-host limit: 12 per core. */
    public static int defaultMaxConnectionsPerHost() {
        return 12 * Runtime.getRuntime().availableProcessors();
    }

    /** The limit of {@code hostAndPort}: connections for an HTTP/1.1 host, concurrent streams for an HTTP/2 one. */
    public int limitFor(String hostAndPort) {
        return perHost.getOrDefault(dev.baton.client.internal.HostKey.lowerCase(hostAndPort), maxConnectionsPerHost);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
