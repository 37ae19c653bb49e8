package dev.baton.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoAppTest {
    static Server server;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = DemoApp.start(0);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void indexListsEveryRoute() throws Exception {
        var res = get("/");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("/sync", "/async", "/slow", "/overload", "/events");
    }

    @Test
    void slowRouteTimesOutWith504() throws Exception {
        var res = get("/slow");
        assertThat(res.statusCode()).isEqualTo(504);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void overloadRouteShowsServiceUnavailableWithRetryAfter() throws Exception {
        var res = get("/overload");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(res.body()).contains("\"statuses\":{\"200\":", "\"503\":");
    }

    @Test
    void asyncRouteCompletesOnAnotherThread() throws Exception {
        // the route chains its thenApply right after starting the timer: a timer shorter than a loaded
        // machine may deschedule the event loop between the two would be done first, and complete inline
        var res = get("/async?ms=300");
        assertThat(res.body()).contains("startedOn\":\"baton-io").doesNotContain("completedOn\":\"baton-io");
    }

    @Test
    void aDelayOutOfRangeIsABadRequestNotAServerError() throws Exception {
        for (String path : new String[] {"/blocking?ms=-1", "/async?ms=99999999", "/slow?ms=soon"}) {
            var res = get(path);
            assertThat(res.statusCode()).as(path).isEqualTo(400);
            assertThat(res.body()).as(path).contains("query parameter 'ms' must be a number of milliseconds from 0 to 5000");
        }
    }
}
