package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.internal.metrics.ServerMetrics;

/**
 * The server-wide parts a request and its connection use, made once by the server: its
 * configuration, how errors become responses, how responses are rendered, its numbers, its
 * worker pool, its shutdown state, its safety nets and its access log (null when off).
 */
record ServerParts(ServerConfig config, ErrorMapping errors, ResponseRenderer renderer, ServerMetrics metrics,
                   WorkerPool workers, ShutdownState shutdown, SafetyNets nets, AccessLog accessLog) {
}
