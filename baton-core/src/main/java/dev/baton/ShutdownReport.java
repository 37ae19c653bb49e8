package dev.baton;

import java.time.Duration;

/**
 * What graceful shutdown did, from {@link Server#stop()}.
 *
 * @param inFlightAtStart requests in flight when shutdown began
 * @param completed       of those, the ones that finished within the grace period
 * @param cancelled       the ones still running when the grace period ended, cancelled with reason SHUTDOWN
 * @param refused         requests that arrived on open connections during shutdown and got 503
 * @param took            how long shutdown took
 */
public record ShutdownReport(long inFlightAtStart, long completed, long cancelled, long refused, Duration took) {
}
