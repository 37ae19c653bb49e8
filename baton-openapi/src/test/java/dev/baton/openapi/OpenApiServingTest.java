package dev.baton.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Server;
import dev.baton.ServerConfig;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the document is served: where, with which headers, cached, and what it leaves out. */
class OpenApiServingTest {
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    private final List<Server> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(s -> s.stop(Duration.ofSeconds(1)));
    }

    @dev.baton.controller.Controller("/widgets")
    public static class WidgetApi {
        @dev.baton.controller.Get("/{id}")
        public String find(long id) {
            return "widget " + id;
        }

        @dev.baton.controller.Get("/mark")
        @dev.baton.controller.Post("/mark")
        public String mark() {
            return "marked";
        }
    }

    @dev.baton.controller.Controller("/sprockets")
    public static class SprocketApi {
        @dev.baton.controller.Get("/mark")
        public String mark() {
            return "marked";
        }
    }

    private Server start(OpenApi openApi, Consumer<ServerConfig.Builder> config, Object... controllers) {
        Server s = Server.builder()
                .config(c -> {
                    c.host("127.0.0.1").port(0);
                    config.accept(c);
                })
                .feature(openApi)
                .controllers(new GizmoApi())
                .controllers(controllers)
                .feature(setup -> setup.respondAsync((method, pattern, handler) -> handler))
                .routing(r -> {
                    r.get("/metrics", ctx -> "# nothing");
                    r.get("/hello", ctx -> "hello");
                    r.route("PURGE", "/hello", ctx -> "purged"); // no method OpenAPI knows
                })
                .build()
                .start();
        started.add(s);
        return s;
    }

    private Server start(OpenApi openApi) {
        return start(openApi, c -> { }, new Object[0]);
    }

    private static HttpResponse<String> send(Server s, String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDocumentIsServedAtTheDefaultPathAsJsonWithAStrongETag() throws Exception {
        Server s = start(OpenApi.builder().build());
        HttpResponse<String> res = send(s, "GET", "/openapi.json");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(res.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(res.headers().firstValue("ETag")).hasValueSatisfying(tag -> assertThat(tag).matches("\"[A-Za-z0-9_-]{27}\""));
        JsonNode doc = json.readTree(res.body());
        assertThat(doc.at("/info/title").asText()).isEqualTo("API");
        assertThat(doc.at("/info/version").asText()).isEqualTo("1.0");
        assertThat(doc.get("paths").has("/openapi.json")).isFalse(); // its own route is not documented
        assertThat(doc.get("paths").get("/hello").fieldNames()).toIterable().containsExactly("get"); // not PURGE
    }

    @Test
    void aRequestWithTheCurrentETagGets304WithoutABody() throws Exception {
        Server s = start(OpenApi.builder().build());
        String etag = send(s, "GET", "/openapi.json").headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> same = send(s, "GET", "/openapi.json", "If-None-Match", "\"other\", " + etag);
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.headers().firstValue("ETag")).hasValue(etag);
        assertThat(send(s, "GET", "/openapi.json", "If-None-Match", "W/" + etag).statusCode()).isEqualTo(304);
        assertThat(send(s, "GET", "/openapi.json", "If-None-Match", "*").statusCode()).isEqualTo(304);
        assertThat(send(s, "GET", "/openapi.json", "If-None-Match", "\"stale\"").statusCode()).isEqualTo(200);
    }

    @Test
    void headGetsTheHeadAloneWithTheSameETagAndLength() throws Exception {
        Server s = start(OpenApi.builder().build());
        HttpResponse<String> get = send(s, "GET", "/openapi.json");
        HttpResponse<String> head = send(s, "HEAD", "/openapi.json");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("ETag")).isEqualTo(get.headers().firstValue("ETag"));
        assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(get.body().getBytes().length));
    }

    @Test
    void aConfiguredPathServesTheDocumentThereAndNotAtTheDefault() throws Exception {
        OpenApi openApi = OpenApi.builder().title("Gizmos").version("3").path("/api-docs/openapi.json").build();
        Server s = start(openApi);
        assertThat(openApi.path()).isEqualTo("/api-docs/openapi.json");
        HttpResponse<String> res = send(s, "GET", "/api-docs/openapi.json");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(json.readTree(res.body()).get("paths").has("/api-docs/openapi.json")).isFalse();
        assertThat(send(s, "GET", "/openapi.json").statusCode()).isEqualTo(404);
        assertThat(res.body()).isEqualTo(openApi.document());
    }

    @Test
    void twoServersWithTheSameRoutesServeTheSameDocumentByteForByte() throws Exception {
        Server a = start(OpenApi.builder().build());
        Server b = start(OpenApi.builder().build());
        HttpResponse<String> first = send(a, "GET", "/openapi.json");
        HttpResponse<String> second = send(b, "GET", "/openapi.json");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
    }

    @Test
    void includeLeavesTheRoutesItRefusesOutOfTheDocument() throws Exception {
        Server s = start(OpenApi.builder().include(r -> !r.pattern().equals("/metrics")).build());
        JsonNode paths = json.readTree(send(s, "GET", "/openapi.json").body()).get("paths");
        assertThat(paths.has("/metrics")).isFalse();
        assertThat(paths.has("/hello")).isTrue();
        assertThat(send(s, "GET", "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void aServerWhoseTimeoutsAnswer503DescribesNo504AndSaysWhy503MayCome() throws Exception {
        Server s = start(OpenApi.builder().build(), c -> c.timeoutStatus(503), new Object[0]);
        String body = send(s, "GET", "/openapi.json").body();
        JsonNode doc = json.readTree(body);
        assertThat(doc.at("/components/responses").has("GatewayTimeout")).isFalse();
        assertThat(doc.at("/components/responses/ServiceUnavailable/description").asText()).contains("timed out");
        assertThat(doc.at("/paths/~1gizmos~1summary/get/responses").has("504")).isFalse();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        assertThat(new OpenAPIV3Parser().readContents(body, null, options).getMessages()).isEmpty();
    }

    @Test
    void theDocumentIsThereOnlyOnceTheServerHasStartedAndOneFeatureServesOneServer() {
        OpenApi openApi = OpenApi.builder().build();
        assertThatThrownBy(openApi::document).isInstanceOf(IllegalStateException.class).hasMessageContaining("start it first");
        start(openApi);
        assertThat(openApi.document()).contains("\"openapi\" : \"3.1.0\"");
        assertThatThrownBy(() -> Server.builder().feature(openApi).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one server");
    }

    @Test
    void operationIdsStayUniqueWhenActionsShareANameOrOneActionHasTwoMappings() throws Exception {
        Server s = start(OpenApi.builder().build(), c -> { }, new WidgetApi(), new SprocketApi());
        JsonNode paths = json.readTree(send(s, "GET", "/openapi.json").body()).get("paths");
        assertThat(paths.at("/~1gizmos~1{id}/get/operationId").asText()).isEqualTo("GizmoApi_find");
        assertThat(paths.at("/~1widgets~1{id}/get/operationId").asText()).isEqualTo("WidgetApi_find");
        assertThat(paths.at("/~1widgets~1mark/get/operationId").asText()).isEqualTo("WidgetApi_mark_get");
        assertThat(paths.at("/~1widgets~1mark/post/operationId").asText()).isEqualTo("WidgetApi_mark_post");
        assertThat(paths.at("/~1sprockets~1mark/get/operationId").asText()).isEqualTo("SprocketApi_mark");
        assertThat(paths.at("/~1gizmos/get/operationId").asText()).isEqualTo("list"); // alone: its own name
        assertThat(paths.at("/~1hello/get/operationId").asText()).isEqualTo("getHello");
    }

    @Test
    void aBadTitleVersionOrPathIsRefusedWhenBuilt() {
        assertThatThrownBy(() -> OpenApi.builder().title(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenApi.builder().version("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenApi.builder().path("openapi.json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenApi.builder().path("/docs/{v}")).isInstanceOf(IllegalArgumentException.class);
    }
}
