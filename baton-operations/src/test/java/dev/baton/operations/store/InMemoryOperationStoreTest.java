package dev.baton.operations.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.operations.OperationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryOperationStoreTest {
    private final InMemoryOperationStore store = new InMemoryOperationStore(10);
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aLongRunningOperationKeepsItsStatusChangesAndItsLatestProgressWhenItsEventsAreCompacted() {
        OperationRecord r = store.create(OperationRecord.created("AAAAAAAAAAAAAAAAAAAAAA", "t", null, null, null, null, now))
                .toCompletableFuture().join().record();
        r = store.claim("n", 1, now, Duration.ofSeconds(10)).toCompletableFuture().join().getFirst();
        for (int p = 1; p <= 40; p++) {
            r = store.update(r.toBuilder().percentComplete(p).build(), OperationEvent.PROGRESS).toCompletableFuture().join().orElseThrow();
        }
        List<OperationEvent> all = store.events(r.id(), 0).toCompletableFuture().join();
        assertThat(all.size()).isLessThanOrEqualTo(10);
        assertThat(all).extracting(OperationEvent::id).isSorted().doesNotHaveDuplicates();
        assertThat(all).filteredOn(e -> e.kind().equals(OperationEvent.STATUS)).hasSize(2); // created, started
        assertThat(all.getLast().snapshot().percentComplete()).isEqualTo(40);
        assertThat(all.getLast().id()).isEqualTo(42);
        // a resume from an id that was compacted away gets what is held after it, in order
        List<OperationEvent> after = store.events(r.id(), 5).toCompletableFuture().join();
        assertThat(after).isNotEmpty().allMatch(e -> e.id() > 5);
        assertThat(after.getLast().id()).isEqualTo(42);
    }

    @Test
    void aWriteOnAStaleVersionIsRefusedAndAClaimRaisesTheFencingToken() {
        OperationRecord created = store.create(OperationRecord.created("BAAAAAAAAAAAAAAAAAAAAA", "t", null, null, null, null, now))
                .toCompletableFuture().join().record();
        OperationRecord claimed = store.claim("n1", 5, now, Duration.ofSeconds(10)).toCompletableFuture().join().getFirst();
        assertThat(claimed.status()).isEqualTo(OperationStatus.RUNNING);
        assertThat(claimed.fencingToken()).isEqualTo(created.fencingToken() + 1);
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(store.update(created.toBuilder().percentComplete(5).build(), OperationEvent.PROGRESS)
                .toCompletableFuture().join()).isEmpty();
        assertThat(store.claim("n2", 5, now, Duration.ofSeconds(10)).toCompletableFuture().join()).isEmpty();
    }
}
