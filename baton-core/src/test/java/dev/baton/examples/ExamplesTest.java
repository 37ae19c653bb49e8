package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each runnable example starts on port 0 and answers its documented requests. */
class ExamplesTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    private void start(IntFunction<Server> example) {
        server = example.apply(0);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return client.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10));
    }

    @Test
    void helloWorldAnswersSyncAndAsync() throws Exception {
        start(HelloWorld::start);
        assertThat(get("/").body()).isEqualTo("Hello, World!");
        assertThat(get("/hello/Ada").body()).isEqualTo("Hello, Ada!");
        assertThat(get("/later").body()).isEqualTo("Hello, later!");
    }

    @Test
    void helloControllerBindsThePathTheQueryAndTheBody() throws Exception {
        start(HelloController::start);
        assertThat(get("/greetings/Ada").body()).isEqualTo("Hello, Ada.");
        assertThat(get("/greetings/Ada?excited=true").body()).isEqualTo("Hello, Ada!");
        assertThat(get("/greetings/Ada?excited=very").statusCode()).isEqualTo(400);
        var created = postJson("/greetings", "{\"name\":\"Ada\",\"languages\":[\"en\",\"fr\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).isEqualTo("[{\"text\":\"Hello, Ada\"},{\"text\":\"Bonjour, Ada\"}]");
    }

    @Test
    void chatRoomSendsEveryLineToEveryMemberOfTheRoomOnly() throws Exception {
        start(ChatRoom::start);
        java.util.List<java.util.concurrent.LinkedBlockingQueue<String>> heard = new java.util.ArrayList<>();
        java.util.List<java.net.http.WebSocket> members = new java.util.ArrayList<>();
        for (String who : new String[] {"lobby?name=ada", "lobby?name=bob", "kitchen?name=eve"}) {
            var lines = new java.util.concurrent.LinkedBlockingQueue<String>();
            heard.add(lines);
            members.add(client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/rooms/" + who),
                    new java.net.http.WebSocket.Listener() {
                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                            lines.add(data.toString());
                            ws.request(1);
                            return null;
                        }
                    }).get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        // the first line can race a member's onOpen: say something until both lobby members have heard it
        dev.baton.testing.await.Await.until(Duration.ofSeconds(10), () -> {
            members.get(0).sendText("hi", true).join();
            return heard.get(1).contains("ada: hi");
        });
        assertThat(heard.get(0).poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("ada: hi");
        assertThat(heard.get(2)).as("another room hears nothing").isEmpty();
        members.forEach(java.net.http.WebSocket::abort);
    }

    @Test
    void asyncGizmosAnswersInEveryReturnStyle() throws Exception {
        start(AsyncGizmos::start);
        var created = postJson("/gizmos", "{\"name\":\"sprocket\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        Matcher id = Pattern.compile("/gizmos/([0-9a-f-]{36})").matcher(location);
        assertThat(id.matches()).isTrue();

        assertThat(get(location).body()).contains("\"name\":\"sprocket\"");
        assertThat(get(location + "/price").body()).matches("\\d+(\\.\\d+)?");
        var overview = get(location + "/overview");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("\"gizmo\":{\"id\":\"" + id.group(1)).contains("\"price\":");
        assertThat(get("/gizmos/" + java.util.UUID.randomUUID()).statusCode()).isEqualTo(404);
        assertThat(postJson("/gizmos", "{\"name\":\" \"}").statusCode()).isEqualTo(400);
        assertThat(get("/gizmos/audit").body()).contains("overview [" + id.group(1) + "]");
    }
}
