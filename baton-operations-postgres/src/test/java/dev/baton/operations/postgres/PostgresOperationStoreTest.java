package dev.baton.operations.postgres;

import static dev.baton.operations.postgres.TestPostgres.POLL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.http.Problem;
import dev.baton.operations.OperationStatus;
import dev.baton.operations.internal.OperationIds;
import dev.baton.operations.store.IdempotencyConflictException;
import dev.baton.operations.store.OperationEvent;
import dev.baton.operations.store.OperationPage;
import dev.baton.operations.store.OperationQuery;
import dev.baton.operations.store.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresOperationStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static TestPostgres pg;
    private PostgresOperationStore store;
    private PostgresOperationStore otherNode;

    @BeforeAll
    static void startDatabase() {
        pg = TestPostgres.start();
    }

    @AfterAll
    static void stopDatabase() {
        pg.close();
    }

    @BeforeEach
    void openStores() {
        String schema = "contract_" + SCHEMAS.incrementAndGet();
        store = PostgresOperationStore.builder().url(pg.url()).schema(schema).poolSize(4).build();
        otherNode = PostgresOperationStore.builder().url(pg.url()).schema(schema).poolSize(4).build();
    }

    @AfterEach
    void closeStores() {
        store.close();
        otherNode.close();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static OperationRecord fresh(String owner, String key, String fingerprint) {
        return OperationRecord.created(OperationIds.next(), "report", owner, JSON.createObjectNode().put("year", 2026), key,
                fingerprint, now());
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @Test
    void aRecordReadsBackExactlyAsItWasWritten() {
        OperationRecord created = join(store.create(fresh("ann", null, null))).record();
        OperationRecord next = created.toBuilder().status(OperationStatus.FAILED).percentComplete(40).message("half")
                .checkpoint(JSON.createObjectNode().put("page", 7))
                .error(new Problem("https://x/p", "Broken", 502, "it broke", null, Map.of("retryable", true)))
                .finishedAt(now()).build();
        OperationRecord stored = join(store.update(next, "failed")).orElseThrow();
        assertThat(join(otherNode.get(created.id()))).contains(stored);
        assertThat(join(otherNode.events(created.id(), 0))).extracting(OperationEvent::snapshot).containsExactly(created, stored);
    }

    @Test
    void anIdempotencyKeyIsScopedPerOwnerAndRefusesAnotherBody() {
        OperationRecord first = join(store.create(fresh("ann", "k1", "fp"))).record();
        var replay = join(otherNode.create(fresh("ann", "k1", "fp")));
        assertThat(replay.isNew()).isFalse();
        assertThat(replay.record().id()).isEqualTo(first.id());
        assertThatThrownBy(() -> join(store.create(fresh("ann", "k1", "other"))))
                .isInstanceOf(CompletionException.class).cause().isInstanceOfSatisfying(IdempotencyConflictException.class,
                        e -> assertThat(e.mismatch()).isTrue());
        assertThat(join(store.create(fresh("bob", "k1", "fp"))).isNew()).isTrue();
        assertThat(join(store.create(fresh(null, "k1", "fp"))).isNew()).isTrue();
        assertThat(join(store.create(fresh("", "k1", "fp"))).isNew()).isTrue();
        assertThat(join(store.create(fresh(null, "k1", "fp"))).isNew()).isFalse();
    }

    @Test
    void anUpdateIsCompareAndSetOnTheVersionAndAppendsItsEventInTheSameStep() {
        OperationRecord r = join(store.create(fresh(null, null, null))).record();
        OperationRecord progressed = join(store.update(r.toBuilder().percentComplete(10).build(), OperationEvent.PROGRESS)).orElseThrow();
        assertThat(progressed.lastEventId()).isEqualTo(2);
        assertThat(join(otherNode.update(r.toBuilder().percentComplete(20).build(), OperationEvent.PROGRESS))).isEmpty();
        OperationRecord renewed = join(otherNode.update(progressed.toBuilder().build(), null)).orElseThrow();
        assertThat(renewed.lastEventId()).isEqualTo(2);
        assertThat(join(store.events(r.id(), 1))).extracting(OperationEvent::id).containsExactly(2L);
    }

    @Test
    void twoNodesClaimingAtOnceNeverClaimTheSameOperation() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            ids.add(join(store.create(fresh(null, null, null))).record().id());
        }
        List<OperationRecord> byA = new CopyOnWriteArrayList<>();
        List<OperationRecord> byB = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> claimAll(store, "a", byA));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> claimAll(otherNode, "b", byB));
        CompletableFuture.allOf(a, b).join();
        Set<String> claimedByA = new HashSet<>(byA.stream().map(OperationRecord::id).toList());
        Set<String> claimedByB = new HashSet<>(byB.stream().map(OperationRecord::id).toList());
        assertThat(claimedByA).doesNotContainAnyElementsOf(claimedByB);
        assertThat(byA.size() + byB.size()).isEqualTo(200);
        Set<String> all = new HashSet<>(claimedByA);
        all.addAll(claimedByB);
        assertThat(all).isEqualTo(ids);
        assertThat(byB).isNotEmpty();
        assertThat(byA).isNotEmpty();
    }

    private static void claimAll(PostgresOperationStore s, String node, List<OperationRecord> into) {
        while (true) {
            List<OperationRecord> got = join(s.claim(node, 3, now(), Duration.ofMinutes(1)));
            if (got.isEmpty()) {
                return;
            }
            got.forEach(r -> assertThat(r.leaseOwner()).isEqualTo(node));
            into.addAll(got);
        }
    }

    @Test
    void aLapsedLeaseIsClaimedByAnotherNodeWithAHigherFencingTokenAndCountedAsARescue() {
        OperationRecord r = join(store.create(fresh(null, null, null))).record();
        Instant t0 = now();
        OperationRecord first = join(store.claim("a", 5, t0, Duration.ofSeconds(2))).getFirst();
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(join(otherNode.claim("b", 5, t0.plusSeconds(1), Duration.ofSeconds(2)))).isEmpty();
        OperationRecord second = join(otherNode.claim("b", 5, t0.plusSeconds(3), Duration.ofSeconds(2))).getFirst();
        assertThat(second.id()).isEqualTo(r.id());
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(second.rescues()).isEqualTo(1);
        assertThat(second.leaseOwner()).isEqualTo("b");
        // the first node's write, made on its old copy, is refused by the version it carries
        assertThat(join(store.update(first.toBuilder().percentComplete(50).build(), OperationEvent.PROGRESS))).isEmpty();
    }

    @Test
    void aNotBeforeInTheFutureKeepsAnOperationFromBeingClaimed() {
        OperationRecord r = join(store.create(fresh(null, null, null))).record();
        join(store.update(r.toBuilder().notBefore(now().plusSeconds(60)).build(), OperationEvent.STATUS));
        assertThat(join(store.claim("a", 5, now(), Duration.ofSeconds(10)))).isEmpty();
        assertThat(join(store.claim("a", 5, now().plusSeconds(61), Duration.ofSeconds(10)))).hasSize(1);
    }

    @Test
    void aSubscriberOnOneNodeHearsEveryEventAnotherNodeWritesInOrderOnce() {
        OperationRecord r = join(store.create(fresh(null, null, null))).record();
        List<Long> heard = new CopyOnWriteArrayList<>();
        try (var sub = otherNode.subscribe(r.id(), 0, e -> heard.add(e.id()))) {
            OperationRecord cur = r;
            for (int i = 1; i <= 20; i++) {
                cur = join(store.update(cur.toBuilder().percentComplete(i).build(), OperationEvent.PROGRESS)).orElseThrow();
            }
            POLL.until("21 events heard", Duration.ofSeconds(10), () -> heard.size() >= 21);
        }
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= 21; i++) {
            expected.add(i);
        }
        assertThat(heard).containsExactlyElementsOf(expected);
    }

    @Test
    void eventsTooLargeForANoticeAreReadFromTheTableAndInterleaveInOrderWithThoseTheNoticesCarry() {
        OperationRecord r = join(store.create(fresh(null, null, null))).record();
        List<OperationEvent> heard = new CopyOnWriteArrayList<>();
        try (var sub = otherNode.subscribe(r.id(), 0, heard::add)) {
            OperationRecord cur = r;
            for (int i = 1; i <= 20; i++) {
                // every third one too large to carry (3500 two-byte chars), and every third one carried though longer in
                // UTF-8 than in chars (3000)
                String message = i % 3 == 0 ? "\u00e9".repeat(3500) : i % 3 == 1 ? "\u00e9".repeat(3000) : "step " + i;
                cur = join(store.update(cur.toBuilder().percentComplete(i).message(message).build(), OperationEvent.PROGRESS))
                        .orElseThrow();
            }
            POLL.until("21 events heard", Duration.ofSeconds(10), () -> heard.size() >= 21);
        }
        assertThat(heard).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(join(store.events(r.id(), 0)));
    }

    @Test
    void aNoticeCarriesTheEventAsStoredWhenItFitsAndOnlyNamesItOtherwise() {
        OperationSql sql = new OperationSql(new Names("x", ""), new Records(JSON), 1000);
        Records records = new Records(JSON);
        OperationRecord small = fresh("alice", "k", "f").withLastEventId(7);
        OperationSql.Notice n = sql.notice(OperationSql.payload(small.id(), 7, OperationEvent.STATUS, records.snapshot(small)));
        assertThat(n.operationId()).isEqualTo(small.id());
        assertThat(n.eventId()).isEqualTo(7);
        assertThat(n.event().kind()).isEqualTo(OperationEvent.STATUS);
        assertThat(n.event().snapshot()).usingRecursiveComparison().isEqualTo(small);
        OperationRecord longer = small.toBuilder().message("\u00e9".repeat(3000)).build();
        assertThat(sql.notice(OperationSql.payload(longer.id(), 8, OperationEvent.PROGRESS, records.snapshot(longer))).event())
                .isNotNull();
        OperationRecord large = small.toBuilder().message("\u00e9".repeat(3500)).build();
        String payload = OperationSql.payload(large.id(), 8, OperationEvent.PROGRESS, records.snapshot(large));
        assertThat(payload).isEqualTo(large.id() + ":8");
        assertThat(sql.notice(payload)).isEqualTo(new OperationSql.Notice(large.id(), 8, null));
    }

    @Test
    void aListIsOneOwnersOperationsNewestFirstPageByPage() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.addFirst(join(store.create(fresh("ann", null, null))).record().id());
        }
        join(store.create(fresh("bob", null, null)));
        OperationPage first = join(store.list(new OperationQuery("ann", Set.of(), null, 3, null)));
        OperationPage second = join(otherNode.list(new OperationQuery("ann", Set.of(), null, 3, first.next())));
        assertThat(first.items()).extracting(OperationRecord::id).containsExactlyElementsOf(created.subList(0, 3));
        assertThat(second.items()).extracting(OperationRecord::id).containsExactlyElementsOf(created.subList(3, 5));
        assertThat(second.next()).isNull();
    }

    @Test
    void aPurgeForgetsFinishedOperationsTheirEventsAndTheirKeys() {
        OperationRecord done = join(store.create(fresh("ann", "k", "fp"))).record();
        join(store.update(done.toBuilder().status(OperationStatus.SUCCEEDED).finishedAt(now().minusSeconds(60)).build(), "succeeded"));
        OperationRecord running = join(store.create(fresh("ann", null, null))).record();
        assertThat(join(otherNode.purge(now().minusSeconds(30)))).isEqualTo(1);
        assertThat(join(store.get(done.id()))).isEmpty();
        assertThat(join(store.events(done.id(), 0))).isEmpty();
        assertThat(join(store.get(running.id()))).isPresent();
        assertThat(join(store.create(fresh("ann", "k", "other"))).isNew()).isTrue();
    }

    @Test
    void writesThatArriveTogetherCommitTogetherAndOneThatFailsFailsAlone() {
        List<CompletableFuture<?>> creates = new ArrayList<>();
        List<CompletableFuture<?>> clashes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            if (i % 50 == 25) { // the same key with another body each time: all but the first fail
                clashes.add(store.create(fresh("many", "clash", "body-" + i)).toCompletableFuture());
            } else {
                creates.add(store.create(fresh("many", null, null)).toCompletableFuture());
            }
        }
        CompletableFuture.allOf(clashes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        creates.forEach(f -> assertThat(((dev.baton.operations.store.OperationStore.Created) f.join()).isNew()).isTrue());
        assertThat(clashes.stream().filter(f -> !f.isCompletedExceptionally())).hasSize(1);
        clashes.stream().filter(CompletableFuture::isCompletedExceptionally).forEach(f -> assertThatThrownBy(f::join)
                .cause().isInstanceOfSatisfying(IdempotencyConflictException.class, e -> assertThat(e.mismatch()).isTrue()));
        OperationPage all = join(otherNode.list(new OperationQuery("many", Set.of(), null, 1000, null)));
        assertThat(all.items()).hasSize(creates.size() + 1);
        // each with its first event, announced: stored once, in its own operation's log
        assertThat(all.items()).allSatisfy(r -> assertThat(join(otherNode.events(r.id(), 0)))
                .extracting(OperationEvent::id).containsExactly(1L));
    }

    @Test
    void progressFromManyOperationsAtOnceIsStoredForEachInOrder() {
        List<OperationRecord> ops = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ops.add(join(store.create(fresh(null, null, null))).record());
        }
        List<CompletableFuture<OperationRecord>> chains = new ArrayList<>();
        for (OperationRecord r : ops) {
            CompletableFuture<OperationRecord> chain = CompletableFuture.completedFuture(r);
            for (int pct = 10; pct <= 50; pct += 10) {
                int p = pct;
                chain = chain.thenCompose(cur -> store.update(cur.toBuilder().percentComplete(p).build(), OperationEvent.PROGRESS)
                        .thenApply(java.util.Optional::orElseThrow));
            }
            chains.add(chain);
        }
        chains.forEach(f -> assertThat(f.join().percentComplete()).isEqualTo(50));
        for (OperationRecord r : ops) {
            assertThat(join(otherNode.events(r.id(), 1))).extracting(e -> e.snapshot().percentComplete())
                    .containsExactly(10, 20, 30, 40, 50);
        }
    }

    @Test
    void theStoreIsDurable() {
        assertThat(store.isDurable()).isTrue();
    }
}
