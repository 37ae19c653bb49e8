package dev.baton.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The controller-style pages show the server's own trace: which thread ran each stage. */
class ControllerStylesTest {
    static RunningDemo demo;
    static URI front;

    /** A row of a page's trace table: stage and thread. */
    private static final Pattern ROW = Pattern.compile("<tr(?: class=\"nothread\")?><td>\\d+</td><td>(\\w+)</td><td><code>([^<]+)</code>");

    @BeforeAll
    static void start() {
        demo = DemoApp.start(DemoOptions.builder().port(0).backendPort(0).build());
        front = demo.frontUri();
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    /** The stage -> thread rows of a page's trace table, in order. */
    static List<String> trace(String html) {
        Matcher m = ROW.matcher(html);
        List<String> rows = new java.util.ArrayList<>();
        while (m.find()) {
            rows.add(m.group(1) + "@" + m.group(2));
        }
        return rows;
    }

    @Test
    void theValueStyleHoldsItsWorkerThroughTheCallAndNeverAwaits() {
        Web.Timed res = Web.get(front, "/styles/value?delay=100");

        assertThat(res.status()).isEqualTo(200);
        List<String> rows = trace(res.body());
        assertThat(rows).anySatisfy(r -> assertThat(r).matches("accept@baton-io-[\\d-]+"))
                .anySatisfy(r -> assertThat(r).matches("action@baton-worker-\\d+"))
                .anySatisfy(r -> assertThat(r).matches("complete@baton-worker-\\d+"))
                .noneSatisfy(r -> assertThat(r).startsWith("await@"));
        assertThat(res.body()).contains("join() returned: the action, blocked until now, returns its value");
    }

    @Test
    void theFutureResponderAndOperationsStylesAwaitWithNoThreadAndCompleteOnTheEventLoop() {
        for (String style : List.of("future", "responder", "operations")) {
            Web.Timed res = Web.get(front, "/styles/" + style + "?delay=100");

            assertThat(res.status()).as(style).isEqualTo(200);
            List<String> rows = trace(res.body());
            assertThat(rows).as(style).contains("await@no thread")
                    .anySatisfy(r -> assertThat(r).matches("action@baton-worker-\\d+"))
                    .anySatisfy(r -> assertThat(r).matches("complete@baton-io-[\\d-]+"))
                    .anySatisfy(r -> assertThat(r).matches("write@baton-io-[\\d-]+"));
        }
    }

    @Test
    void theTwinsRecordTheirOwnStepsAndTheServerSendsItsTraceWhenAskedFor() {
        Web.Timed responder = Web.get(front, "/styles/responder.json?delay=50", "Baton-Trace", "1");

        assertThat(responder.status()).isEqualTo(200);
        assertThat(responder.response().headers().allValues("Server-Timing"))
                .anySatisfy(v -> assertThat(v).contains("action;dur=", "await;dur=", "desc=\"no thread\""));
        JsonNode steps = responder.json().get("steps");
        assertThat(steps.get(0).get("thread").asText()).startsWith("baton-worker-");
        assertThat(steps.get(steps.size() - 1).get("what").asText()).isEqualTo("the callback called responder.complete(...)");
        assertThat(steps.get(steps.size() - 1).get("thread").asText()).startsWith("baton-io-");

        JsonNode operations = Web.json(front, "/styles/operations.json?delay=50");
        assertThat(operations.get("items").asInt()).isEqualTo(21);
        assertThat(operations.get("steps").toString()).contains("products arrived: decrement()", "widgets arrived",
                "gizmos arrived", "operationsCompleted(...) ran");
    }

    @Test
    void withoutTheTraceHeaderNoThreadNamesAreSent() {
        Web.Timed res = Web.get(front, "/styles/future.json?delay=0");

        assertThat(res.response().headers().allValues("Server-Timing")).noneSatisfy(v -> assertThat(v).contains("desc="));
    }

    @Test
    void theStylesIndexLinksEachStyleAndAnUnknownStyleIs404() {
        assertThat(Web.get(front, "/styles").body()).contains("href=\"/styles/value\"", "href=\"/styles/future\"",
                "href=\"/styles/responder\"", "href=\"/styles/operations\"");
        assertThat(Web.get(front, "/styles/sideways").status()).isEqualTo(404);
    }

    @Test
    void anUnknownStyleIsAn404PageForABrowserAndAProblemForAnyoneElse() {
        Web.Timed page = Web.get(front, "/styles/sideways", "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        assertThat(page.status()).isEqualTo(404);
        assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(page.body()).contains("<h1>Not found</h1>", "no controller style &#39;sideways&#39;",
                "href=\"/styles\"", "<link rel=\"icon\"");

        for (String[] accept : new String[][] {{}, {"Accept", "application/json"}, {"Accept", "*/*"},
                {"Accept", "text/html;q=0, application/json"}}) {
            Web.Timed problem = Web.get(front, "/styles/sideways", accept);
            assertThat(problem.status()).as(String.join(": ", accept)).isEqualTo(404);
            assertThat(problem.contentType()).as(String.join(": ", accept)).startsWith("application/problem+json");
            assertThat(problem.json().get("detail").asText()).startsWith("no controller style 'sideways'");
        }
        // a JSON route keeps problem+json whoever asks
        Web.Timed twin = Web.get(front, "/styles/sideways.json", "Accept", "text/html");
        assertThat(twin.status()).isEqualTo(404);
        assertThat(twin.contentType()).startsWith("application/problem+json");
    }
}
