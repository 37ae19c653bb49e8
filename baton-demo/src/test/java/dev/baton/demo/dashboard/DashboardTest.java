package dev.baton.demo.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Server;
import dev.baton.operations.OperationType;
import dev.baton.operations.Operations;
import dev.baton.testing.await.Await;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DashboardTest {
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();
    static final CountDownLatch release = new CountDownLatch(1);
    static Server server;
    static dev.baton.client.HttpClient outbound;

    @BeforeAll
    static void start() {
        Operations ops = Operations.builder().type(OperationType.of("tick", Void.class, (in, op) -> "tock")).build();
        Server[] self = new Server[1];
        self[0] = Server.builder()
                .config(c -> c.host("127.0.0.1").port(0).workerThreads(1).requestQueueCapacity(1))
                .feature(ops)
                .routing(r -> {
                    r.get("/hello", ctx -> "hello");
                    r.get("/slow", ctx -> {
                        Thread.sleep(40);
                        return "slow";
                    });
                    r.get("/never", ctx -> "no test calls this");
                    r.get("/stuck", ctx -> release.await(10, TimeUnit.SECONDS));
                    Dashboard.install(r, () -> self[0], () -> outbound, ops);
                })
                .build();
        server = self[0];
        outbound = dev.baton.client.HttpClient.builder().eventLoops(server.eventLoopGroup()).build();
        server.start();
    }

    @AfterAll
    static void stop() {
        release.countDown();
        outbound.close();
        server.stop(Duration.ofSeconds(1));
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static String uplotVersion() {
        return UplotAssets.fromClasspath().version();
    }

    /** Opens the event stream and reads {@code count} events: their ids and data. */
    static List<String[]> events(int count, String lastEventId) {
        return events(lastEventId, read -> read.size() >= count);
    }

    /** Opens the event stream and reads events, their ids and data, until {@code enough} of them. */
    static List<String[]> events(String lastEventId, Predicate<List<String[]>> enough) {
        return assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            HttpRequest.Builder req = HttpRequest.newBuilder(uri("/dashboard/events"));
            if (lastEventId != null) {
                req.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
            List<String[]> events = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String id = null;
                String line;
                while (!enough.test(events) && (line = in.readLine()) != null) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        events.add(new String[] {id, line.substring(6)});
                    }
                }
            }
            return events;
        });
    }

    static long time(String[] event) {
        return sample(event).get("time").asLong();
    }

    static JsonNode sample(String[] event) {
        try {
            return json.readTree(event[1]);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void thePageHasAChartContainerPerChartAndLinksUplot() throws Exception {
        get("/hello");
        HttpResponse<String> res = get("/dashboard");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(res.body()).contains("id=\"dashboard\" data-state=\"waiting\" data-samples=\"0\"",
                "id=\"chart-rps\"", "id=\"chart-latency\"", "id=\"chart-concurrency\"", "id=\"chart-errors\"",
                "id=\"chart-threads\"", "id=\"chart-heap\"", "id=\"routes-body\"",
                "<script src=\"/webjars/uplot/" + uplotVersion() + "/dist/uPlot.iife.min.js\">",
                "href=\"/webjars/uplot/" + uplotVersion() + "/dist/uPlot.min.css\"",
                "<tr data-route=\"GET /hello\"><td><code>GET /hello</code>", "<link rel=\"icon\" href=\"data:image/svg+xml,")
                .doesNotContain("{{");
    }

    @Test
    void thePageListsTheRoutesWithTrafficAndHidesTheNeverCalledOnesBehindAToggle() throws Exception {
        get("/hello");
        String page = get("/dashboard").body();

        assertThat(page).contains("data-route=\"GET /hello\"", "id=\"routes-all\"").doesNotContain("data-route=\"GET /never\"");
        java.util.regex.Matcher uncalled = java.util.regex.Pattern
                .compile("show the <span id=\"routes-uncalled\">(\\d+)</span> never called").matcher(page);
        assertThat(uncalled.find()).as("the toggle, with how many it hides").isTrue();
        assertThat(Integer.parseInt(uncalled.group(1))).isPositive(); // /never, at least
    }

    @Test
    void theInFlightFigureLeavesOutTheDashboardsOwnRequests() throws Exception {
        // the page's own request is in flight while it renders: it shows none but the application's
        assertThat(get("/dashboard").body()).contains("<b id=\"tile-in-flight\">0</b>")
                .contains("title=\"Requests admitted and not finished. The dashboard's own requests");
        // and a sample taken while this stream is open counts it apart, not in flight
        List<String[]> read = events(null, events -> !events.isEmpty()
                && sample(events.get(events.size() - 1)).get("dashboardStreams").asInt() >= 1);
        JsonNode s = json.readTree(read.get(read.size() - 1)[1]);
        assertThat(s.get("inFlight").asLong()).as("in flight, this stream left out").isZero();
    }

    @Test
    void theLatencyFiguresAreAllOfTheBusiestRouteAndSinceStart() throws Exception {
        for (int i = 0; i < 8; i++) {
            get("/hello");
        }
        get("/slow"); // slower than every /hello: a mean over every route would stand above /hello's p99
        long sent = System.currentTimeMillis();
        List<String[]> read = events(null, events -> !events.isEmpty() && time(events.get(events.size() - 1)) > sent);
        JsonNode s = json.readTree(read.get(read.size() - 1)[1]);

        assertThat(s.get("latencyRoute").asText()).isEqualTo("GET /hello");
        JsonNode hello = route(s, "GET /hello");
        assertThat(s.get("meanMs").asDouble()).isEqualTo(hello.get("meanMs").asDouble());
        assertThat(s.get("p50Ms").asDouble()).isEqualTo(hello.get("p50Ms").asDouble());
        assertThat(s.get("p99Ms").asDouble()).isEqualTo(hello.get("p99Ms").asDouble());
        assertThat(s.get("meanMs").asDouble()).isLessThan(route(s, "GET /slow").get("meanMs").asDouble());
    }

    static JsonNode route(JsonNode sample, String name) {
        for (JsonNode r : sample.get("routes")) {
            if (r.get("route").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no route " + name + " in " + sample.get("routes"));
    }

    @Test
    void theEventStreamSendsASampleWithEveryNumberTheChartsDraw() throws Exception {
        for (int i = 0; i < 5; i++) {
            get("/hello");
        }
        outbound.get(uri("/hello").toString()).send().get(5, TimeUnit.SECONDS);
        long sent = System.currentTimeMillis();
        // a page that opens gets the history first: read up to a sample taken after the requests
        List<String[]> read = events(null, events -> !events.isEmpty() && time(events.get(events.size() - 1)) > sent);
        String[] event = read.get(read.size() - 1);
        JsonNode s = json.readTree(event[1]);
        assertThat(event[0]).isEqualTo(s.get("feed").asText() + "-" + s.get("seq").asLong());
        for (String field : new String[] {"seq", "time", "requestsPerSecond", "meanMs", "p50Ms", "p99Ms", "latencyRoute",
                "inFlight", "dashboardStreams", "queued", "workersBusy", "workerThreads", "connections", "jvmThreads", "heapUsedMb",
                "heapCommittedMb", "rejectedPerSecond", "timeoutsPerSecond", "disconnectsPerSecond",
                "safetyNetsPerSecond", "totals", "safetyNets", "routes", "client", "operations"}) {
            assertThat(s.has(field)).as(field).isTrue();
        }
        assertThat(s.get("workerThreads").asInt()).isEqualTo(1);
        assertThat(s.get("jvmThreads").asInt()).isPositive();
        assertThat(s.get("heapUsedMb").asDouble()).isPositive();
        assertThat(s.get("inFlight").asLong()).isNotNegative(); // this stream left out
        assertThat(s.get("totals").get("completed").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(s.get("safetyNets").has("blockedEventLoop")).isTrue();
        assertThat(s.get("client").get("calls").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(s.get("operations").get("running").asLong()).isZero();
        JsonNode hello = null;
        for (JsonNode r : s.get("routes")) {
            if (r.get("route").asText().equals("GET /hello")) {
                hello = r;
            }
        }
        assertThat(hello).isNotNull();
        assertThat(hello.get("count").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(hello.get("threadHoldRatio").asDouble()).isBetween(0.0, 1.0);
        assertThat(hello.get("own").asBoolean()).isFalse();
        assertThat(s.get("latencyRoute").asText()).isEqualTo("GET /hello"); // the dashboard's own routes left out
    }

    @Test
    void samplesComeEverySecondAndAReconnectingPageGetsOnlyWhatItMissed() throws Exception {
        List<String[]> first = events(2, null);
        long a = json.readTree(first.get(0)[1]).get("time").asLong();
        String lastId = first.get(1)[0];
        long lastSeq = json.readTree(first.get(1)[1]).get("seq").asLong();
        long b = json.readTree(first.get(1)[1]).get("time").asLong();
        assertThat(b - a).isBetween(500L, 1500L);
        JsonNode resumed = json.readTree(events(1, lastId).get(0)[1]);
        assertThat(resumed.get("seq").asLong()).isEqualTo(lastSeq + 1);
        // an id of another feed (a restarted server's) gets the whole history
        JsonNode fresh = json.readTree(events(1, "elsewhere-999999").get(0)[1]);
        assertThat(fresh.get("seq").asLong()).isLessThanOrEqualTo(lastSeq);
    }

    @Test
    void uplotIsServedFromItsWebjarWithItsTypeForGood() throws Exception {
        HttpResponse<String> js = get("/webjars/uplot/" + uplotVersion() + "/dist/uPlot.iife.min.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(js.body()).contains("uPlot");
        HttpResponse<String> css = get("/webjars/uplot/" + uplotVersion() + "/dist/uPlot.min.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(css.body()).contains(".uplot");
    }

    @Test
    void anythingElseUnderWebjarsIsNotFound() throws Exception {
        String dist = "/webjars/uplot/" + uplotVersion() + "/dist/";
        for (String path : new String[] {
                dist + "uPlot.nope.js",                                  // no such file
                dist + "uPlot.d.ts",                                     // a file of no served type
                "/webjars/uplot/0.0.1/dist/uPlot.iife.min.js",          // another version
                dist + "..%2Fpackage.json",                              // out of dist, encoded
                dist + "..%2F..%2F..%2F..%2Fmaven%2Forg.webjars.npm%2Fuplot%2Fpom.properties",
                dist + ".%2FuPlot.min.css",
                "/webjars/uplot/" + uplotVersion() + "/package.json",   // not under dist/
                "/webjars/uplot/..%2F..%2F..%2Fmaven/dist/pom.xml"}) {
            HttpResponse<String> res = get(path);
            assertThat(res.statusCode()).as(path).isIn(400, 404);
            assertThat(res.body()).as(path).doesNotContain("version=", "\"name\"");
        }
        assertThat(get(dist + "uPlot.d.ts").statusCode()).isEqualTo(404);
    }

    @Test
    void metricsHaveBatonsMetersAndTheJvms() throws Exception {
        HttpResponse<String> res = get("/metrics");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(res.body()).contains("baton_server_requests_completed_total", "baton_server_in_flight",
                "baton_server_route_thread_hold_ratio{method=\"GET\",route=\"/hello\"}", "baton_client_calls_total",
                "baton_operations_running", "jvm_memory_used_bytes", "jvm_threads_live_threads");
    }

    @Test
    void aClientThatComesAfterTheFirstScrapeIsScrapedFromThenOn() throws Exception {
        dev.baton.client.HttpClient[] late = new dev.baton.client.HttpClient[1];
        Server[] self = new Server[1];
        self[0] = Server.builder().config(c -> c.host("127.0.0.1").port(0))
                .routing(r -> Dashboard.install(r, () -> self[0], () -> late[0], null)).build().start();
        try {
            URI metrics = URI.create("http://127.0.0.1:" + self[0].port() + "/metrics");
            String before = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(before).contains("baton_server_requests_completed_total").doesNotContain("baton_client_calls_total",
                    "baton_operations_");
            late[0] = dev.baton.client.HttpClient.builder().eventLoops(self[0].eventLoopGroup()).build();
            String after = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(after).contains("baton_client_calls_total");
            assertThat(after.split("\n# TYPE baton_server_in_flight gauge", -1)).hasSize(2); // the server's meters once
        } finally {
            if (late[0] != null) {
                late[0].close();
            }
            self[0].stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void theDashboardAnswersWhileThePoolAndItsQueueAreFull() throws Exception {
        // one worker, one queue place: two stuck requests fill both, a third is refused
        List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            stuck.add(http.sendAsync(HttpRequest.newBuilder(uri("/stuck")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Await.until("the worker and the queue's place taken", Duration.ofSeconds(5),
                () -> server.stats().workersBusy() >= 1 && server.stats().queued() >= 1);
        try {
            assertThat(get("/hello").statusCode()).isEqualTo(503);
            assertThat(get("/dashboard").statusCode()).isEqualTo(200);
            assertThat(get("/metrics").statusCode()).isEqualTo(200);
            assertThat(get("/webjars/uplot/" + uplotVersion() + "/dist/uPlot.min.css").statusCode()).isEqualTo(200);
            JsonNode s = json.readTree(events(1, "elsewhere-0").get(0)[1]);
            assertThat(s.has("seq")).isTrue();
        } finally {
            release.countDown();
        }
        for (CompletableFuture<HttpResponse<String>> f : stuck) {
            assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }
}
