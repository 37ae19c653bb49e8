package dev.baton.operations.postgres;

import dev.baton.Server;
import dev.baton.operations.OperationType;
import dev.baton.operations.Operations;
import java.time.Duration;
import java.util.Map;

/**
 * One node of a test cluster: a server with operations on the PostgreSQL store, as its own JVM
 * (so that a test can kill -9 it) or in the test's. Prints {@code LISTENING <port>} once it serves.
 *
 * <pre>{@code java -cp $CP dev.baton.operations.postgres.NodeMain jdbc:postgresql://... schema nodeA}</pre>
 */
public final class NodeMain {
    static final Duration LEASE = Duration.ofSeconds(2);

    /** The input of the {@code steps} type: that many steps of {@code stepMillis} each. */
    public record Steps(int steps, int stepMillis) {
    }

    /** The checkpoint: how many steps are done. */
    public record Done(int steps) {
    }

    public static void main(String[] args) {
        Running node = start(args[0], args[1], args[2]);
        System.out.println("LISTENING " + node.server().port());
        System.out.flush();
    }

    record Running(Server server, Operations operations, PostgresOperationStore store) implements AutoCloseable {
        @Override
        public void close() {
            server.stop(Duration.ofSeconds(1));
            store.close();
        }
    }

    /** The input of the {@code hold} type: runs until cancelled or {@code millis} pass, writing no progress. */
    public record Hold(int millis) {
    }

    /**
     * A line for the test that runs this node (see {@link NodeProcess}): {@code MARK RUN <id> <attempt>} when an
     * attempt starts, {@code MARK TOKEN <id> <reason>} when a {@code hold} handler's token fires.
     */
    static void mark(String what) {
        System.out.println("MARK " + what);
        System.out.flush();
    }

    static Running start(String url, String schema, String name) {
        PostgresOperationStore store = PostgresOperationStore.builder().url(url).schema(schema).poolSize(6).build();
        Operations ops = Operations.builder()
                // a rescued attempt resumes from the last checkpoint; up to 5 attempts so that a lost node may be replaced
                .type(OperationType.of("steps", Steps.class, (in, op) -> steps(name, in, op, false)).retry(5, Duration.ZERO))
                // two attempts in all: a second lost node ends it ("the node running it was lost 2 times")
                .type(OperationType.of("twice", Steps.class, (in, op) -> steps(name, in, op, true)).retry(2, Duration.ZERO))
                // the chaos run's work: retried as often as the chaos needs
                .type(OperationType.of("chaos", Steps.class, (in, op) -> steps(name, in, op, true)).retry(1000, Duration.ZERO))
                .type(OperationType.of("hold", Hold.class, (in, op) -> {
                    mark("RUN " + op.id() + " " + op.attempt());
                    op.cancellation().onCancel(why -> mark("TOKEN " + op.id() + " " + why));
                    long end = System.nanoTime() + in.millis() * 1_000_000L;
                    while (System.nanoTime() < end) {
                        op.cancellation().throwIfCancelled();
                        Thread.sleep(10);
                    }
                    return Map.of("node", name);
                }))
                .config(c -> c.store(store).lease(LEASE).progressInterval(Duration.ofMillis(20))
                        .maxRunning(Integer.getInteger("baton.test.maxRunning", 2 * Runtime.getRuntime().availableProcessors()))
                        .cancelGrace(Duration.ofMillis(500)).heartbeat(Duration.ofSeconds(1)))
                .build();
        Server server = Server.builder().config(c -> c.port(0).host("127.0.0.1")).feature(ops)
                .routing(r -> r.get("/stats", ctx -> ops.stats())).build().start();
        return new Running(server, ops, store);
    }

    private static Map<String, Object> steps(String name, Steps in, dev.baton.operations.OperationContext op, boolean marked)
            throws InterruptedException {
        if (marked) {
            mark("RUN " + op.id() + " " + op.attempt());
        }
        int from = op.lastCheckpoint(Done.class).map(Done::steps).orElse(0);
        for (int i = from; i < in.steps(); i++) {
            op.cancellation().throwIfCancelled();
            Thread.sleep(in.stepMillis()); // the work itself: a virtual thread of the runner's
            op.checkpoint(new Done(i + 1));
            op.progress((i + 1) * 100 / in.steps(), "step " + (i + 1) + " on " + name);
        }
        return Map.of("node", name, "resumedFrom", from, "attempt", op.attempt());
    }
}
