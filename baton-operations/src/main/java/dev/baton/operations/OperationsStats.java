package dev.baton.operations;

/**
 * A snapshot of the operations module's numbers on this node.
 *
 * <pre>{@code OperationsStats s = operations.stats(); log.info("{} running, {} queued", s.running(), s.queued());}</pre>
 *
 * @param created        operations created here (idempotent replays not counted)
 * @param queued         waiting to run now
 * @param running        running now
 * @param succeeded      ended succeeded
 * @param failed         ended failed
 * @param canceled       ended canceled
 * @param retried        attempts scheduled again after a failure
 * @param rejected       creations refused because the queue was full (503)
 * @param uncooperative  handlers that ignored their cancellation past the grace and were abandoned
 * @param lateResults    results (or failures) of abandoned handlers, dropped
 * @param fencedWrites   writes refused because another node had claimed the operation
 * @param meanMillis     mean run time of finished operations, from start to end
 * @param p50Millis      median run time
 * @param p99Millis      99th percentile run time
 * @param maxMillis      longest run time
 */
public record OperationsStats(long created, long queued, long running, long succeeded, long failed, long canceled,
                              long retried, long rejected, long uncooperative, long lateResults, long fencedWrites,
                              double meanMillis, double p50Millis, double p99Millis, double maxMillis) {
}
