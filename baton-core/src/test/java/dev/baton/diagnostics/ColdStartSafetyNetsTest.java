package dev.baton.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The safety nets never cry wolf over what is not the application's code: a fresh JVM whose
 * server runs a route of each kind (a value on a worker, an async stage, event-loop routes, a
 * virtual thread, controller actions, a streamed body, an event stream, tracked pending work), all
 * written correctly, while it loads their classes and the JIT has compiled nothing; or a process
 * that stands still now and then (a GC pause, a container's CPU throttling: here SIGSTOP). Nothing
 * is counted and no WARN is logged. A route that really blocks its event loop, afterwards, is
 * reported: each run shows that a report would have been seen.
 */
class ColdStartSafetyNetsTest {
    static final String ID = "6f1c3f9e-3b8a-4d7e-9a55-0c6a5f2b9e11";
    static final List<String> ROUTES = List.of("/worker/" + ID, "/async", "/loop", "/loop-async", "/virtual", "/tracked",
            "/controller/" + ID, "/controller/sync/" + ID, "/stream", "/events");
    static final String SILENT = "pendingAtCompletion=0 asyncInSyncStage=0 blockedEventLoop=0 fakeAsync=0 virtualThreadPinned=0";

    private static boolean isWarning(String line) {
        return line.startsWith("WARNING") || line.startsWith("SLF4J(W)") || line.contains(" WARN ") || line.contains(" ERROR ");
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The child's safety-net counts now, which must all be zero, with no warning printed so far. */
    private static void assertSilent(ChildJvm child, long completed) throws Exception {
        child.send("stats");
        String counts = child.await("STATS ", Duration.ofSeconds(10));
        assertThat(counts).as("what the server printed: " + child.lines()).isEqualTo(SILENT + " completed=" + completed);
        assertThat(child.lines()).noneMatch(ColdStartSafetyNetsTest::isWarning);
    }

    /** The control: an event loop really blocked is counted and logged, once, naming its route. */
    private static void assertARealBlockIsReported(ChildJvm child, HttpClient client, int port) throws Exception {
        assertThat(get(client, port, "/control/block-the-loop").body()).isEqualTo("blocked");
        child.send("stop");
        assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
        List<String> stats = child.lines().stream().filter(l -> l.startsWith("STATS ")).toList();
        assertThat(stats).hasSize(2);
        assertThat(stats.get(1)).contains("blockedEventLoop=1", "fakeAsync=0", "pendingAtCompletion=0", "asyncInSyncStage=0");
        assertThat(child.lines()).filteredOn(ColdStartSafetyNetsTest::isWarning).singleElement().asString()
                .contains("GET /control/block-the-loop", "has been blocked");
    }

    @Test
    void aColdServerRunningEachKindOfRouteOnceReportsNothingAndStillReportsARealBlock() throws Exception {
        try (ChildJvm child = ChildJvm.start(ColdStartMain.class, List.of(ChildJvm.NATIVE_ACCESS));
             HttpClient client = HttpClient.newHttpClient()) {
            int port = Integer.parseInt(child.await("LISTENING ", Duration.ofSeconds(30)).strip());
            for (String path : ROUTES) {
                assertThat(get(client, port, path).statusCode()).as(path).isEqualTo(200);
            }
            assertSilent(child, ROUTES.size());
            assertARealBlockIsReported(child, client, port);
        }
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal).isTrue();
    }

    @Test
    void aServerWhoseProcessStandsStillNowAndThenReportsNothingAndStillReportsARealBlock() throws Exception {
        try (ChildJvm child = ChildJvm.start(ColdStartMain.class, List.of(ChildJvm.NATIVE_ACCESS));
             HttpClient client = HttpClient.newHttpClient()) {
            int port = Integer.parseInt(child.await("LISTENING ", Duration.ofSeconds(30)).strip());
            // callers from the start, cold: stalls that catch a loop mid-request are the ones that could mislead
            AtomicBoolean calling = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            List<Thread> callers = new java.util.ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int first = c;
                callers.add(Thread.ofVirtual().start(() -> {
                    for (int i = first; calling.get(); i++) {
                        try {
                            if (get(client, port, ROUTES.get(i % ROUTES.size())).statusCode() == 200) {
                                answered.incrementAndGet();
                            }
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                }));
            }
            long pid = child.process().pid();
            for (int i = 0; i < 30; i++) {
                // the stimulus, not a wait for a condition: the whole process stands still for 250 ms,
                // longer than the 100 ms thresholds, as a container over its CPU quota or a long GC pause does
                signal(pid, "STOP");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
                signal(pid, "CONT");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            calling.set(false);
            for (Thread caller : callers) {
                assertThat(caller.join(Duration.ofSeconds(30))).isTrue();
            }
            assertThat(answered.get()).as("requests answered while the process stalled").isGreaterThan(15);
            assertSilent(child, answered.get());
            assertARealBlockIsReported(child, client, port);
        }
    }
}
