package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.operations.store.InMemoryOperationStore;
import dev.baton.operations.store.OperationEvent;
import dev.baton.operations.store.OperationPage;
import dev.baton.operations.store.OperationQuery;
import dev.baton.operations.store.OperationRecord;
import dev.baton.operations.store.OperationStore;
import dev.baton.operations.support.OpsServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class QueuedCountTest {

    /** A store that stores at once but answers its creator late, as a database's commit acknowledgement can. */
    static final class LateAcknowledgingStore implements OperationStore {
        final InMemoryOperationStore inner = new InMemoryOperationStore();

        @Override
        public CompletionStage<Created> create(OperationRecord record) {
            Created c = inner.create(record).toCompletableFuture().join();
            return CompletableFuture.supplyAsync(() -> c, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        }

        @Override public CompletionStage<Optional<OperationRecord>> get(String id) { return inner.get(id); }
        @Override public CompletionStage<OperationPage> list(OperationQuery q) { return inner.list(q); }
        @Override public CompletionStage<Optional<OperationRecord>> update(OperationRecord next, String kind) { return inner.update(next, kind); }
        @Override public CompletionStage<List<OperationRecord>> claim(String node, int max, Instant now, Duration lease) {
            return inner.claim(node, max, now, lease);
        }
        @Override public CompletionStage<List<OperationEvent>> events(String id, long after) { return inner.events(id, after); }
        @Override public Subscription subscribe(String id, Consumer<OperationEvent> listener) { return inner.subscribe(id, listener); }
        @Override public CompletionStage<Integer> purge(Instant before) { return inner.purge(before); }
    }

    @Test
    void anOperationClaimedBeforeItsCreateIsAcknowledgedLeavesNothingCountedAsQueued() {
        try (OpsServer server = OpsServer.start(Operations.builder()
                .type(OperationType.of("noop", Void.class, (in, op) -> "done"))
                .config(c -> c.store(new LateAcknowledgingStore()).maxQueued(3))
                .build())) {
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<OpsServer.Reply>> replies = List.of(
                        server.sendAsync(server.request("/operations/noop").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()),
                        server.sendAsync(server.request("/operations/noop").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()),
                        server.sendAsync(server.request("/operations/noop").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()));
                replies.forEach(r -> assertThat(r.join().status()).isEqualTo(202));
                int done = 3 * (round + 1);
                Await.until("all ran", Duration.ofSeconds(10), () -> server.operations.stats().succeeded() == done);
                assertThat(server.operations.stats().queued()).isZero();
            }
        }
    }
}
