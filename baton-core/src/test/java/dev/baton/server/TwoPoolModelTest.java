package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ExecutionModel;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TwoPoolModelTest {

    @Test
    void twoWorkersServeAThousandConcurrentAsyncRequestsWithoutHoldingAThreadWhileWaiting() throws Exception {
        try (TestServer s = TestServer.start(c -> c.workerThreads(2).requestQueueCapacity(1000), r ->
                r.get("/wait", ctx -> CompletableFuture.supplyAsync(() -> "done",
                        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))))) {
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                calls.add(s.getAsync("/wait"));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(calls).allSatisfy(c -> {
                assertThat(c.join().statusCode()).isEqualTo(200);
                assertThat(c.join().body()).isEqualTo("done");
            });
            assertThat(s.server.stats().workersBusyPeak()).isLessThanOrEqualTo(2);
            // 1000 x 200 ms on 2 threads would take 100 s if each request held its thread
            assertThat(took).isLessThan(Duration.ofSeconds(20));
            assertThat(s.server.stats().rejected()).isZero();
        }
    }

    @Test
    void blockingHandlersBeyondPoolAndQueueGet503WithRetryAfterAndTheServerStaysHealthy() throws Exception {
        try (TestServer s = TestServer.start(c -> c.workerThreads(2).requestQueueCapacity(10), r -> {
            r.get("/block", ctx -> {
                Thread.sleep(200); // blocks a worker on purpose
                return "slept";
            });
            r.get("/ping", ctx -> "pong").execution(ExecutionModel.EVENT_LOOP);
        })) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                calls.add(s.getAsync("/block"));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long ok = calls.stream().filter(c -> c.join().statusCode() == 200).count();
            List<HttpResponse<String>> rejected = calls.stream().map(CompletableFuture::join)
                    .filter(r -> r.statusCode() == 503).toList();

            assertThat(ok + rejected.size()).isEqualTo(60);
            assertThat(ok).isGreaterThanOrEqualTo(12);
            assertThat(rejected).isNotEmpty().allSatisfy(r -> {
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            });
            assertThat(s.server.stats().rejected()).isEqualTo(rejected.size());
            assertThat(s.server.stats().workersBusyPeak()).isLessThanOrEqualTo(2);

            assertThat(s.get("/block").statusCode()).isEqualTo(200);
            assertThat(s.get("/ping").body()).isEqualTo("pong");
        }
    }

    /** A request that ends while it waits for a worker (timeout, hang-up) gives its place back: the queue holds only live ones. */
    @Test
    void requestsThatEndWhileQueuedGiveTheirPlaceBack() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestServer s = TestServer.start(c -> c.workerThreads(1).requestQueueCapacity(1), r -> {
            r.get("/hold", ctx -> release.await(20, TimeUnit.SECONDS) ? "released" : "gave up");
            r.get("/quick", ctx -> "quick").timeout(Duration.ofMillis(100));
            r.get("/patient", ctx -> "patient").timeout(Duration.ofSeconds(20));
        })) {
            try {
                CompletableFuture<HttpResponse<String>> hold = s.getAsync("/hold");
                Await.until("the only worker taken", Duration.ofSeconds(5),
                        () -> s.server.stats().workersBusy() == 1);
                for (int i = 0; i < 3; i++) { // each one times out in the queue, and the next still gets in
                    HttpResponse<String> queued = s.get("/quick");
                    assertThat(queued.statusCode()).as("request %d", i).isEqualTo(504);
                    assertThat(s.server.stats().queued()).isZero();
                }
                try (dev.baton.support.RawHttp raw = new dev.baton.support.RawHttp(s.port())) {
                    raw.send("GET /patient HTTP/1.1\r\nHost: x\r\n\r\n");
                    Await.until("hang-up's request queued", Duration.ofSeconds(5),
                            () -> s.server.stats().queued() == 1);
                }
                Await.until("hang-up's place given back", Duration.ofSeconds(5),
                        () -> s.server.stats().queued() == 0);
                assertThat(s.get("/quick").statusCode()).isEqualTo(504);
                assertThat(s.server.stats().rejected()).isZero();
                release.countDown();
                assertThat(hold.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
                assertThat(s.get("/patient").body()).isEqualTo("patient");
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void theInFlightCapAnswers503AtOnce() throws Exception {
        CompletableFuture<String> never = new CompletableFuture<>();
        try (TestServer s = TestServer.start(c -> c.maxInFlight(1), r -> r.get("/hang", ctx -> never))) {
            CompletableFuture<HttpResponse<String>> first = s.getAsync("/hang");
            Await.until("first request admitted", Duration.ofSeconds(5),
                    () -> s.server.stats().inFlight() == 1);
            HttpResponse<String> second = s.get("/hang");
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(second.headers().firstValue("Retry-After")).isPresent();
            never.complete("released");
            assertThat(first.get(5, TimeUnit.SECONDS).body()).isEqualTo("released");
        }
    }

    @Test
    void blockingHandlersGetEveryWorkerOfThePoolEvenThoughOnlyAFewRunWhileHandlersAreQuick() throws Exception {
        // the pool runs about one worker per core while handlers are quick; one that blocks no
        // longer counts, so eight blocking handlers must end up on eight workers at once
        CountDownLatch allIn = new CountDownLatch(8);
        try (TestServer s = TestServer.start(c -> c.workerThreads(8).requestQueueCapacity(100), r ->
                r.get("/block", ctx -> {
                    allIn.countDown();
                    // blocks on purpose until all eight run at once (or gives up)
                    return allIn.await(20, TimeUnit.SECONDS) ? "together" : "alone";
                }))) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(s.getAsync("/block"));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(calls).allSatisfy(c -> assertThat(c.join().body()).isEqualTo("together"));
            assertThat(s.server.stats().workersBusyPeak()).isEqualTo(8);
        }
    }

    @Test
    void aBurstOfQuickRequestsIsServedAndTheQueueDrainsToZero() throws Exception {
        try (TestServer s = TestServer.start(c -> c.workerThreads(4).requestQueueCapacity(2000), r ->
                r.get("/quick", ctx -> ctx.request().query("i").asString("")))) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                calls.add(s.getAsync("/quick?i=" + i));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            for (int i = 0; i < 500; i++) {
                assertThat(calls.get(i).join().body()).isEqualTo(String.valueOf(i));
            }
            Await.until("the pool is idle", Duration.ofSeconds(5),
                    () -> s.server.stats().queued() == 0 && s.server.stats().workersBusy() == 0);
            assertThat(s.server.stats().rejected()).isZero();
        }
    }
}
