package dev.baton.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.testing.await.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The report operation, driven over HTTP: the operations API, its event stream, and the page on top. */
class ReportOperationTest {
    static RunningDemo demo;
    static URI front;

    /** One Server-Sent Event: its name and its data, the operation resource. */
    record Event(String name, JsonNode op) {
    }

    @BeforeAll
    static void start() {
        demo = DemoApp.start(DemoOptions.builder().port(0).backendPort(0).build());
        front = demo.frontUri();
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    static String startReport(String input) {
        Web.Timed res = Web.post(front, "/operations/report", "application/json", input);
        assertThat(res.status()).isEqualTo(202);
        assertThat(res.response().headers().firstValue("Location")).isPresent();
        return res.json().get("id").asText();
    }

    /** Reads the operation's event stream to its end, calling {@code each} with every event as it arrives. */
    static List<Event> events(String id, Consumer<Event> each) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(front.resolve("/operations/" + id + "/events"))
                .timeout(Duration.ofSeconds(20)).build();
        HttpResponse<Stream<String>> res = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<Event> events = new ArrayList<>();
        String name = null;
        try (Stream<String> lines = res.body()) {
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    Event e = new Event(name, Web.JSON.readTree(line.substring(5).strip()));
                    events.add(e);
                    each.accept(e);
                }
            }
        }
        return events;
    }

    @Test
    void aReportRunsTo100PercentWithItsProgressStreamed() throws Exception {
        String id = startReport("{\"sections\": 4, \"sectionMillis\": 20}");

        List<Event> events = events(id, e -> { });

        Event last = events.getLast();
        assertThat(last.name()).isEqualTo("succeeded");
        assertThat(last.op().get("percentComplete").asInt()).isEqualTo(100);
        assertThat(last.op().at("/result/sections").asInt()).isEqualTo(4);
        assertThat(last.op().at("/result/lines")).hasSize(4);
        assertThat(last.op().at("/result/lines/1/resource").asText()).isEqualTo("widgets");
        List<Integer> progress = events.stream().filter(e -> e.name().equals("progress"))
                .map(e -> e.op().get("percentComplete").asInt()).toList();
        assertThat(progress).isNotEmpty().isSorted();
        assertThat(events.stream().map(e -> e.op().path("message").asText(""))).anySatisfy(m -> assertThat(m).startsWith("section "));
    }

    @Test
    void aCancelledReportEndsCanceledAndItsCallInFlightIsCancelledAtTheBackend() throws Exception {
        JsonNode before = Web.json(demo.backendUri(), "/api/stats");
        String id = startReport("{\"sections\": 30, \"sectionMillis\": 400}");
        int[] deleteStatus = {0};

        List<Event> events = events(id, e -> {
            if (deleteStatus[0] == 0 && e.op().get("percentComplete").asInt() > 0) {
                deleteStatus[0] = Web.delete(front, "/operations/" + id).status();
            }
        });

        assertThat(deleteStatus[0]).isEqualTo(202);
        assertThat(events.getLast().name()).isEqualTo("canceled");
        assertThat(events.getLast().op().get("percentComplete").asInt()).isBetween(1, 99);
        Await.until("the section being read was cancelled at the backend", Duration.ofSeconds(5),
                () -> Web.json(demo.backendUri(), "/api/stats").get("cancelled").asLong() == before.get("cancelled").asLong() + 1);
    }

    @Test
    void aReportWithBadInputIsRefusedWith400() {
        Web.Timed res = Web.post(front, "/operations/report", "application/json", "{\"sections\": 0}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.json().get("detail").asText()).contains("sections must be 1 to 50, got 0");
    }

    @Test
    void theReportPageStartsAReportAndReattachesToItByItsUrl() throws Exception {
        Web.Timed started = Web.post(front, "/report", "application/x-www-form-urlencoded", "sections=3&sectionMillis=20");

        assertThat(started.status()).isEqualTo(303);
        String location = started.response().headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/report?id=");
        String id = location.substring("/report?id=".length());
        Web.Timed page = Web.get(front, location);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("data-id=\"" + id + "\"", "<progress id=\"bar\"", "new EventSource(");

        events(id, e -> { }); // to its end
        Web.Timed done = Web.get(front, location);
        assertThat(done.body()).contains("succeeded", "<h2>Result</h2>", "3 sections").doesNotContain("new EventSource(");
        assertThat(Web.get(front, "/report").body()).contains("Recent reports", id);
    }

    @Test
    void theCancelFormCancelsTheReport() throws Exception {
        String id = startReport("{\"sections\": 30, \"sectionMillis\": 300}");

        Web.Timed cancelled = Web.post(front, "/report/cancel", "application/x-www-form-urlencoded", "id=" + id);

        assertThat(cancelled.status()).isEqualTo(303);
        assertThat(cancelled.response().headers().firstValue("Location")).hasValue("/report?id=" + id);
        assertThat(events(id, e -> { }).getLast().name()).isEqualTo("canceled");
        assertThat(Web.get(front, "/report?id=" + id).body()).contains("canceled");
    }

    @Test
    void theStartPagesCurlLineNamesTheHostThePageWasReachedAt() {
        Web.Timed res = Web.get(front, "/report");

        assertThat(res.body()).contains("-d '{\"sections\":12}' http://" + front.getAuthority() + "/operations/report</code>")
                .doesNotContain("localhost:8080");
    }

    @Test
    void aOneSectionReportSaysSectionNotSections() throws Exception {
        String id = startReport("{\"sections\": 1, \"sectionMillis\": 0}");

        List<Event> events = events(id, e -> { });

        assertThat(events).extracting(e -> e.op().path("message").asText()).noneMatch(m -> m.contains("1 sections"));
        assertThat(Web.get(front, "/report?id=" + id).body()).contains("<p>1 section, ").doesNotContain("1 sections");
    }

    @Test
    void anUnknownReportIs404Page() {
        Web.Timed res = Web.get(front, "/report?id=AAAAAAAAAAAAAAAAAAAAAA");

        assertThat(res.status()).isEqualTo(404);
        assertThat(res.body()).contains("<h1>No such report</h1>");
    }
}
