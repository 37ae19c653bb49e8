package dev.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import dev.baton.http.Response;
import dev.baton.support.RawHttp;
import dev.baton.support.TestServer;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RoutingTest {
    record Gizmo(String name, int size) {
    }

    record Part(String label) {
    }

    record Order(Gizmo gizmo, java.util.List<Part> parts, double price) {
        Order {
            if (price < 0) {
                throw new IllegalArgumentException("price must not be negative");
            }
        }
    }

    enum Color { RED, GREEN }

    enum Shade { @com.fasterxml.jackson.annotation.JsonProperty("light") LIGHT, DARK }

    record Paint(Shade color) {
    }

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(r -> {
            r.get("/gizmos/{id}", ctx -> "gizmo " + ctx.request().path("id").asUuid());
            r.get("/gizmos/special", ctx -> "special beats the parameter");
            r.delete("/gizmos/{id}", ctx -> Response.noContent());
            r.post("/gizmos", ctx -> {
                Gizmo g = ctx.request().bodyAs(Gizmo.class);
                return Response.status(201).header("Location", "/gizmos/" + g.name()).json(g);
            });
            r.get("/sum", ctx -> ctx.request().query("a").asInt() + ctx.request().query("b").asInt(10));
            r.get("/color", ctx -> ctx.request().query("c").asEnum(Color.class).name());
            r.get("/header", ctx -> ctx.request().header("X-Count").asLong() * 2);
            r.group("/api", api -> api.group("/v1", v1 -> v1.get("/ping", ctx -> "pong")));
            r.get("/encoded/{name}", ctx -> ctx.request().path("name").asString());
            r.get("/empty", ctx -> null);
            r.get("/bytes", ctx -> new byte[] {1, 2, 3});
            r.get("/map", ctx -> Map.of("k", "v"));
            r.get("/files/{name}", ctx -> "file " + ctx.request().path("name").asString());
            r.post("/files/upload", ctx -> "uploaded");
            r.post("/orders", ctx -> ctx.request().bodyAs(Order.class));
            r.get("/maybe/{id}", ctx -> java.util.Optional.empty());
            r.get("/uri", ctx -> ctx.request().uri());
            r.get("/query", ctx -> ctx.request().queryParams());
            r.post("/paint", ctx -> ctx.request().bodyAs(Paint.class).color().name());
        });
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static java.net.http.HttpResponse<String> postJson(String path, String body) throws Exception {
        return s.send(s.request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void pathParametersAreBoundAndLiteralSegmentsWin() throws Exception {
        UUID id = UUID.randomUUID();
        assertThat(s.get("/gizmos/" + id).body()).isEqualTo("gizmo " + id);
        assertThat(s.get("/gizmos/special").body()).isEqualTo("special beats the parameter");
        assertThat(s.get("/gizmos/" + id + "/").body()).isEqualTo("gizmo " + id);
        assertThat(s.get("/encoded/a%20b").body()).isEqualTo("a b");
    }

    @Test
    void aBadPathParameterIsA400ProblemNamingIt() throws Exception {
        var res = s.get("/gizmos/not-a-uuid");
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(res.body()).contains("path parameter 'id' must be a UUID", "\"status\":400");
    }

    /** RFC 3986 5.2.4: dot segments are resolved before routing; an encoded one is ambiguous, so 400. */
    @Test
    void dotSegmentsAreResolvedBeforeRoutingAndEncodedOnesAreRefused() throws Exception {
        try (RawHttp raw = new RawHttp(s.port())) {
            for (String target : new String[] {"/files/../gizmos/special", "/./gizmos/./special", "/../../gizmos/special"}) {
                raw.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.readResponse()).as(target).startsWith("HTTP/1.1 200").endsWith("special beats the parameter");
            }
            raw.send("GET /files/../uri?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse()).as("the handler sees the routed target").endsWith("\r\n\r\n/uri?q=1");
            raw.send("GET /files/a/.. HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse()).as("/files/a/.. is /files/, no file").startsWith("HTTP/1.1 404");
        }
        for (String target : new String[] {"/files/%2e%2e/gizmos/special", "/files/.%2E/x", "/files/%2e"}) {
            try (RawHttp raw = new RawHttp(s.port())) {
                RawHttp.Result r = raw.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed();
                assertThat(r.status()).as(target).isEqualTo(400);
                assertThat(r.text()).contains("ambiguous");
            }
        }
        assertThat(s.get("/files/report%2etxt").body()).isEqualTo("file report.txt");
    }

    @Test
    void queryAndHeaderParametersConvertOrAnswer400() throws Exception {
        assertThat(s.get("/sum?a=1&b=2").body()).isEqualTo("3");
        assertThat(s.get("/sum?a=5").body()).isEqualTo("15");
        assertThat(s.get("/sum").body()).contains("query parameter 'a' is required");
        assertThat(s.get("/sum?a=x").statusCode()).isEqualTo(400);
        assertThat(s.get("/color?c=green").body()).isEqualTo("GREEN");
        assertThat(s.get("/color?c=blue").body()).contains("must be one of [RED, GREEN]");
        assertThat(s.send(s.request("/header").header("X-Count", "21").build()).body()).isEqualTo("42");
        assertThat(s.send(s.request("/header").header("X-Count", "lots").build()).statusCode()).isEqualTo(400);
    }

    @Test
    void theQueryIsParsedAsFormsAreAndBadEscapesAreRefused() throws Exception {
        // split on '&' only: a ';' is data (a cache and the server must read one URL the same way)
        assertThat(s.get("/query?s=1;n=2&s=%E2%82%AC&t=a+b%2Bc&flag&=y&&").body())
                .isEqualTo("{\"s\":[\"1;n=2\",\"\u20ac\"],\"t\":[\"a b+c\"],\"flag\":[\"\"],\"\":[\"y\"]}");
        // a form's textarea sends line breaks: a control character is data in a query, unlike in a path
        assertThat(s.get("/query?text=a%0D%0Ab").body()).isEqualTo("{\"text\":[\"a\\r\\nb\"]}");
        var notUtf8 = s.get("/query?name=%C3%28");
        assertThat(notUtf8.statusCode()).isEqualTo(400);
        assertThat(notUtf8.body()).contains("query parameter 'name' is not UTF-8");
        // a bad escape is refused when the query is read, naming the parameter; a route that never
        // reads it is not failed by a sloppy link (?utm_content=50%off)
        try (RawHttp raw = new RawHttp(s.port())) { // raw: java.net.URI refuses such targets
            for (String query : new String[] {"s=%zz", "s=%4", "s=100%"}) {
                String bad = raw.send("GET /query?" + query + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                assertThat(bad).as(query).startsWith("HTTP/1.1 400")
                        .contains("malformed query string: bad escape", "in query parameter 's'");
            }
            assertThat(raw.send("GET /query?%zz=1 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .contains("in query parameter name '%zz'");
            assertThat(raw.send("GET /uri?utm_content=50%off HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200").endsWith("/uri?utm_content=50%off");
        }
    }

    @Test
    void jsonBodiesBindAndMalformedOnesAre400Or415() throws Exception {
        var ok = postJson("/gizmos", "{\"name\":\"g1\",\"size\":3}");
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.headers().firstValue("Location")).hasValue("/gizmos/g1");
        assertThat(ok.body()).isEqualTo("{\"name\":\"g1\",\"size\":3}");

        var bad = postJson("/gizmos", "{\"name\":");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("malformed JSON body");

        var wrongType = postJson("/gizmos", "{\"name\":\"g\",\"size\":\"big\"}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(wrongType.body()).contains("size");

        var notJson = s.send(s.request("/gizmos").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build());
        assertThat(notJson.statusCode()).isEqualTo(415);

        var empty = s.send(s.request("/gizmos").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(empty.statusCode()).isEqualTo(400);
    }

    /** The default mapper does not guess: what would silently change the data is a 400 saying where, in JSON's terms. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "{\"name\":\"g\",\"size\":3} trailing           | malformed JSON body (line 1",
        "{\"name\":5,\"size\":3}                          | at 'name': expected a string",
        "{\"name\":\"g\",\"size\":\"3\"}              | at 'size': expected an integer",
        "{\"name\":\"g\",\"size\":1.7}                  | at 'size': expected an integer",
        "[1,2]                                               | does not match Gizmo: expected an object (Gizmo)",
    })
    void aJsonBodyThatWouldNeedAGuessIsA400SayingWhere(String body, String detail) throws Exception {
        var res = postJson("/gizmos", body);
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(res.body()).contains(detail).doesNotContain("dev.baton", "$", "Cannot ", "JsonToken", "`");
    }

    @Test
    void nestedJsonErrorsNameTheirPathAndATypesOwnValidationMessageReachesTheClient() throws Exception {
        var nested = postJson("/orders", "{\"gizmo\":{\"name\":\"g\",\"size\":1},"
                + "\"parts\":[{\"label\":\"a\"},{\"label\":true}],\"price\":1}");
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(nested.body()).contains("does not match Order at 'parts[1].label': expected a string");
        var invalid = postJson("/orders", "{\"gizmo\":null,\"parts\":[],\"price\":-1}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("does not match Order: price must not be negative");
        var unknownFieldsPass = postJson("/orders", "{\"parts\":[],\"price\":2.5,\"note\":\"x\"}");
        assertThat(unknownFieldsPass.statusCode()).isEqualTo(200);
        assertThat(unknownFieldsPass.body()).contains("\"price\":2.5");
    }

    @Test
    void aBadEnumValueIsA400NamingTheValuesJsonAccepts() throws Exception {
        assertThat(postJson("/paint", "{\"color\":\"light\"}").body()).isEqualTo("LIGHT");
        var bad = postJson("/paint", "{\"color\":\"blue\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("at 'color': expected one of [light, DARK]");
    }

    @Test
    void anEmptyOptionalIsA404ProblemAndAMissingFieldTakesItsDefault() throws Exception {
        var res = s.get("/maybe/7");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        // a client from before the field existed still gets in
        assertThat(postJson("/gizmos", "{\"name\":\"old\"}").body()).isEqualTo("{\"name\":\"old\",\"size\":0}");
    }

    @Test
    void unknownPathsAre404AndWrongMethodsAre405WithAllow() throws Exception {
        var missing = s.get("/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"instance\":\"/nope\"");
        var wrong = s.send(s.request("/gizmos/special").PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(wrong.statusCode()).isEqualTo(405);
        // DELETE /gizmos/{id} answers /gizmos/special as well
        assertThat(wrong.headers().firstValue("Allow")).hasValue("DELETE, GET, HEAD, OPTIONS");
        var withDelete = s.send(s.request("/gizmos/" + UUID.randomUUID()).PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(withDelete.headers().firstValue("Allow")).hasValue("DELETE, GET, HEAD, OPTIONS");
    }

    @Test
    void headAndOptionsAreAutomatic() throws Exception {
        var head = s.send(s.request("/map").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).hasValue("9");
        var options = s.send(s.request("/gizmos").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(options.headers().firstValue("Allow")).hasValue("OPTIONS, POST");
        try (RawHttp raw = new RawHttp(s.port())) {
            raw.send("HEAD /map HTTP/1.1\r\nHost: x\r\n\r\nGET /map HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readResponse()).contains("content-length: 9").doesNotContain("{");
            assertThat(raw.readResponse()).endsWith("{\"k\":\"v\"}");
        }
    }

    @Test
    void aParameterRouteStillMatchesWhenALiteralSiblingOnlyHasAnotherMethod() throws Exception {
        assertThat(s.get("/files/upload").body()).isEqualTo("file upload");
        assertThat(s.send(s.request("/files/upload").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build())
                .body()).isEqualTo("uploaded");
        assertThat(s.get("/files/a+b").body()).isEqualTo("file a+b");
        assertThat(s.get("/files/%E2%82%AC").body()).isEqualTo("file \u20ac");
        try (RawHttp raw = new RawHttp(s.port())) {
            RawHttp.Result bad = raw.send("GET /files/%zz HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClosed();
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.text()).contains("application/problem+json", "malformed request target");
        }
    }

    @Test
    void allowNamesTheMethodsOfEveryPatternThePathMatches() throws Exception {
        // POST /files/upload is literal, GET /files/{name} answers the same path: both are allowed
        var put = s.send(s.request("/files/upload").PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS, POST");
        var options = s.send(s.request("/files/upload").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(options.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS, POST");
        var other = s.send(s.request("/files/report").PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(other.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    }

    @Test
    void groupsPrefixTheirRoutes() throws Exception {
        assertThat(s.get("/api/v1/ping").body()).isEqualTo("pong");
    }

    @Test
    void valuesBecomeResponsesOfTheRightType() throws Exception {
        assertThat(s.get("/empty").statusCode()).isEqualTo(204);
        var bytes = s.get("/bytes");
        assertThat(bytes.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(s.get("/map").headers().firstValue("Content-Type")).hasValue("application/json");
        var date = s.get("/map").headers().firstValue("Date");
        assertThat(date).isPresent();
        assertThat(date.get()).endsWith("GMT");
    }

    @Test
    void twoRoutesForTheSameMethodAndPathAreAStartupError() {
        assertThatThrownBy(() -> Server.builder().routing(r -> {
            r.get("/a/{x}", ctx -> "1");
            r.get("/a/{y}", ctx -> "2");
        }).build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("two routes for GET");
    }
}
