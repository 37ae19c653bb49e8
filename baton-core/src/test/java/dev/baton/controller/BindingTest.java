package dev.baton.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.RequestContext;
import dev.baton.http.Request;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BindingTest {
    static ControllerServer server;

    @BeforeAll
    static void start() {
        server = ControllerServer.start(new Bindings());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    enum Color { RED, GREEN }

    record Gizmo(String name, int size) {
    }

    record Note(String text, Optional<String> tag) {
    }

    record Ref(UUID id) {
    }

    /** A value type the binder finds through its static valueOf. */
    record Sku(String code) {
        public static Sku valueOf(String text) {
            if (!text.matches("[A-Z]{3}-\\d+")) {
                throw new IllegalArgumentException(text);
            }
            return new Sku(text);
        }
    }

    @Controller("/bind")
    public static class Bindings {
        @Get("/path/{id}/{n}/{color}")
        public String path(UUID id, int n, Color color) {
            return id + " " + n + " " + color;
        }

        @Get("/renamed/{gizmo-id}")
        public String renamed(@PathParam("gizmo-id") long id) {
            return "gizmo " + id;
        }

        @Get("/numbers")
        public String numbers(int page, Integer size, long big, double ratio, boolean flag, short small, byte tiny,
                              float f, char c, BigDecimal price) {
            return String.join(" ", String.valueOf(page), String.valueOf(size), String.valueOf(big),
                    String.valueOf(ratio), String.valueOf(flag), String.valueOf(small), String.valueOf(tiny),
                    String.valueOf(f), String.valueOf(c), price.toPlainString());
        }

        @Get("/times")
        public String times(LocalDate day, Instant at, Duration wait) {
            return day + " " + at + " " + wait;
        }

        @Get("/optional")
        public String optional(Optional<Integer> limit, @Query("sort-by") Optional<String> sortBy) {
            return limit.map(String::valueOf).orElse("no limit") + ", " + sortBy.orElse("unsorted");
        }

        @Get("/list")
        public List<Integer> list(List<Integer> id, List<Color> color) {
            return color.isEmpty() ? id : List.of(id.size(), color.size());
        }

        @Get("/sku")
        public String sku(Sku sku) {
            return sku.code();
        }

        @Get("/enum")
        public Color color(Color color) {
            return color;
        }

        @Get("/headers")
        public String headers(@Header("X-Trace") UUID trace, @Header("X-Tag") List<String> tags,
                              @Header Optional<String> authorization) {
            return trace + " " + tags + " " + authorization.orElse("anonymous");
        }

        @Post("/gizmo")
        public Gizmo gizmo(@Body Gizmo gizmo) {
            return new Gizmo(gizmo.name().toUpperCase(), gizmo.size() + 1);
        }

        @Post("/implicit")
        public String implicit(Gizmo gizmo, String note) {
            return gizmo.name() + " (" + note + ")";
        }

        @Post("/many")
        public int many(@Body List<Gizmo> gizmos) {
            return gizmos.stream().mapToInt(Gizmo::size).sum();
        }

        @Post("/maybe")
        public String maybe(@Body Optional<Gizmo> gizmo) {
            return gizmo.map(Gizmo::name).orElse("no body");
        }

        @Post("/note")
        public Note note(@Body Note note) {
            return new Note(note.text(), note.tag().map(String::toUpperCase));
        }

        @Post("/ref")
        public String ref(@Body Ref ref) {
            return ref.id().toString();
        }

        @Post("/text")
        public String text(@Body String text) {
            return text.length() + " characters";
        }

        @Get("/injected")
        public String injected(RequestContext ctx, Request request, CancellationToken token, Deadline deadline) {
            return (ctx.request() == request) + " " + token.isCancelled() + " " + deadline.isNone() + " "
                    + request.path();
        }
    }

    static void assertProblem(HttpResponse<String> res, int status, String... detail) {
        assertThat(res.statusCode()).isEqualTo(status);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(res.body()).contains(detail);
    }

    @Test
    void pathParametersBindByNameToUuidsIntsAndEnums() throws Exception {
        UUID id = UUID.randomUUID();
        assertThat(server.get("/bind/path/" + id + "/42/green").body()).isEqualTo(id + " 42 GREEN");
        assertThat(server.get("/bind/renamed/7").body()).isEqualTo("gizmo 7");
    }

    @Test
    void aMalformedPathParameterIsA400NamingIt() throws Exception {
        assertProblem(server.get("/bind/path/not-a-uuid/42/red"), 400, "path parameter 'id' must be a UUID, got 'not-a-uuid'");
        assertProblem(server.get("/bind/path/" + UUID.randomUUID() + "/x/red"), 400, "path parameter 'n' must be an integer");
        assertProblem(server.get("/bind/path/" + UUID.randomUUID() + "/1/blue"), 400,
                "path parameter 'color' must be one of [RED, GREEN], got 'blue'");
        assertProblem(server.get("/bind/renamed/seven"), 400, "path parameter 'gizmo-id' must be an integer");
    }

    @Test
    void primitivesAndBoxedNumbersBindFromTheQuery() throws Exception {
        var res = server.get("/bind/numbers?page=2&size=50&big=9000000000&ratio=0.5&flag=TRUE&small=-3&tiny=7&f=1.5&c=x"
                + "&price=19.99");
        assertThat(res.body()).isEqualTo("2 50 9000000000 0.5 true -3 7 1.5 x 19.99");
    }

    @Test
    void aMissingOrMalformedQueryParameterIsA400NamingIt() throws Exception {
        String ok = "page=2&size=50&big=1&ratio=0.5&flag=true&small=1&tiny=1&f=1&c=x&price=1";
        assertProblem(server.get("/bind/numbers?" + ok.replace("page=2&", "")), 400, "query parameter 'page' is required");
        assertProblem(server.get("/bind/numbers?" + ok.replace("size=50", "size=lots")), 400,
                "query parameter 'size' must be an integer, got 'lots'");
        assertProblem(server.get("/bind/numbers?" + ok.replace("flag=true", "flag=yes")), 400,
                "query parameter 'flag' must be true or false");
        assertProblem(server.get("/bind/numbers?" + ok.replace("tiny=1", "tiny=300")), 400,
                "query parameter 'tiny' must be an integer from -128 to 127");
        assertProblem(server.get("/bind/numbers?" + ok.replace("c=x", "c=xy")), 400,
                "query parameter 'c' must be a single character");
        assertProblem(server.get("/bind/numbers?" + ok.replace("price=1", "price=cheap")), 400,
                "query parameter 'price' must be a decimal number");
        // decimal notation within range only: no NaN, infinities, Java suffixes or hex floats
        for (String ratio : new String[] {"NaN", "Infinity", "1e999", "1d", "0x1p3"}) {
            assertProblem(server.get("/bind/numbers?" + ok.replace("ratio=0.5", "ratio=" + ratio)), 400,
                    "query parameter 'ratio' must be a finite number");
        }
        assertProblem(server.get("/bind/numbers?" + ok.replace("f=1", "f=1e40")), 400, "query parameter 'f' must be a finite number");
        assertThat(server.get("/bind/numbers?" + ok.replace("ratio=0.5", "ratio=-2.5e3")).statusCode()).isEqualTo(200);
    }

    @Test
    void datesInstantsAndDurationsBindFromIsoText() throws Exception {
        assertThat(server.get("/bind/times?day=2024-02-29&at=2024-01-31T10:15:30Z&wait=PT30S").body())
                .isEqualTo("2024-02-29 2024-01-31T10:15:30Z PT30S");
        assertProblem(server.get("/bind/times?day=2024-02-30&at=2024-01-31T10:15:30Z&wait=PT30S"), 400,
                "query parameter 'day' must be an ISO-8601 date (yyyy-mm-dd), got '2024-02-30'");
        assertProblem(server.get("/bind/times?day=2024-02-29&at=yesterday&wait=PT30S"), 400,
                "query parameter 'at' must be an ISO-8601 instant");
        assertProblem(server.get("/bind/times?day=2024-02-29&at=2024-01-31T10:15:30Z&wait=30s"), 400,
                "query parameter 'wait' must be an ISO-8601 duration");
    }

    @Test
    void optionalsMayBeAbsentButNotMalformed() throws Exception {
        assertThat(server.get("/bind/optional").body()).isEqualTo("no limit, unsorted");
        assertThat(server.get("/bind/optional?limit=5&sort-by=name").body()).isEqualTo("5, name");
        assertProblem(server.get("/bind/optional?limit=five"), 400, "query parameter 'limit' must be an integer, got 'five'");
    }

    @Test
    void listsTakeEveryValueOfARepeatedQueryParameter() throws Exception {
        assertThat(server.get("/bind/list?id=3&id=1&id=2").body()).isEqualTo("[3,1,2]");
        assertThat(server.get("/bind/list").body()).isEqualTo("[]");
        assertThat(server.get("/bind/list?id=1&color=red&color=GREEN").body()).isEqualTo("[1,2]");
        assertProblem(server.get("/bind/list?id=1&id=two"), 400, "query parameter 'id' must be an integer, got 'two'");
        assertProblem(server.get("/bind/list?color=red&color=mauve"), 400, "query parameter 'color' must be one of");
    }

    @Test
    void aValueTypeBindsThroughItsValueOf() throws Exception {
        assertThat(server.get("/bind/sku?sku=ABC-12").body()).isEqualTo("ABC-12");
        assertProblem(server.get("/bind/sku?sku=abc"), 400, "query parameter 'sku' must be a valid Sku, got 'abc'");
    }

    @Test
    void anEnumResultIsWrittenAsJson() throws Exception {
        assertThat(server.get("/bind/enum?color=green").body()).isEqualTo("\"GREEN\"");
    }

    @Test
    void headersBindByAnnotationWithListsAndOptionals() throws Exception {
        UUID trace = UUID.randomUUID();
        var res = server.send(server.request("/bind/headers").header("X-Trace", trace.toString())
                .header("X-Tag", "a").header("X-Tag", "b").header("Authorization", "Bearer t").build());
        // one field with a comma-separated list means the same as two fields (RFC 9110 5.6.1)
        var combined = server.send(server.request("/bind/headers").header("X-Trace", UUID.randomUUID().toString())
                .header("X-Tag", "a, \"b,c\" ,, d").build());
        assertThat(combined.body()).contains("[a, \"b,c\", d]");
        assertThat(res.body()).isEqualTo(trace + " [a, b] Bearer t");
        res = server.send(server.request("/bind/headers").header("X-Trace", trace.toString()).build());
        assertThat(res.body()).isEqualTo(trace + " [] anonymous");
        assertProblem(server.get("/bind/headers"), 400, "header parameter 'X-Trace' is required");
        assertProblem(server.send(server.request("/bind/headers").header("X-Trace", "1-1-1-1-1").build()), 400,
                "header parameter 'X-Trace' must be a UUID");
        assertProblem(server.send(server.request("/bind/headers").header("X-Trace", "nope").build()), 400,
                "header parameter 'X-Trace' must be a UUID, got 'nope'");
    }

    @Test
    void aJsonBodyBindsToARecord() throws Exception {
        var res = server.postJson("/bind/gizmo", "{\"name\":\"sprocket\",\"size\":3}");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"name\":\"SPROCKET\",\"size\":4}");
    }

    @Test
    void anOptionalFieldOfABodyRecordBindsAndIsWrittenAsItsValue() throws Exception {
        assertThat(server.postJson("/bind/note", "{\"text\":\"t\",\"tag\":\"urgent\"}").body())
                .isEqualTo("{\"text\":\"t\",\"tag\":\"URGENT\"}");
        assertThat(server.postJson("/bind/note", "{\"text\":\"t\"}").body()).isEqualTo("{\"text\":\"t\",\"tag\":null}");
        assertThat(server.postJson("/bind/note", "{\"text\":\"t\",\"tag\":null}").statusCode()).isEqualTo(200);
    }

    @Test
    void aBadUuidInABodyIsDescribedInJsonTerms() throws Exception {
        var res = server.postJson("/bind/ref", "{\"id\":7}");
        assertProblem(res, 400, "at 'id': expected a UUID string");
        assertThat(res.body()).doesNotContain("an object");
        var notAUuid = server.postJson("/bind/ref", "{\"id\":\"nope\"}");
        assertProblem(notAUuid, 400, "at 'id': expected a UUID string");
        assertThat(notAUuid.body()).doesNotContain("an object", "java.");
    }

    @Test
    void aBadBodyIsA400Or415NamingTheParameter() throws Exception {
        assertProblem(server.postJson("/bind/gizmo", "{\"name\":"), 400, "body parameter 'gizmo': malformed JSON body");
        assertProblem(server.postJson("/bind/gizmo", "{\"name\":\"x\",\"size\":\"big\"}"), 400,
                "body parameter 'gizmo': the JSON body does not match Gizmo at 'size'");
        assertProblem(server.postJson("/bind/gizmo", ""), 400, "body parameter 'gizmo': a JSON body is required");
        var text = server.send(server.request("/bind/gizmo").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("sprocket")).build());
        assertProblem(text, 415, "body parameter 'gizmo': expected a JSON body");
    }

    @Test
    void anUnannotatedRecordIsTheBodyAndAnUnannotatedStringIsAQueryParameter() throws Exception {
        assertThat(server.postJson("/bind/implicit?note=first", "{\"name\":\"cog\",\"size\":1}").body())
                .isEqualTo("cog (first)");
    }

    @Test
    void aGenericBodyBindsToAListOfRecords() throws Exception {
        assertThat(server.postJson("/bind/many", "[{\"name\":\"a\",\"size\":2},{\"name\":\"b\",\"size\":5}]").body())
                .isEqualTo("7");
        assertProblem(server.postJson("/bind/many", "{\"name\":\"a\"}"), 400,
                "body parameter 'gizmos': the JSON body does not match List<Gizmo>");
    }

    @Test
    void anOptionalBodyMayBeEmpty() throws Exception {
        assertThat(server.postJson("/bind/maybe", "").body()).isEqualTo("no body");
        assertThat(server.postJson("/bind/maybe", "{\"name\":\"cog\",\"size\":1}").body()).isEqualTo("cog");
    }

    @Test
    void aStringBodyIsTheRawText() throws Exception {
        var res = server.send(server.request("/bind/text").header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("héllo")).build());
        assertThat(res.body()).isEqualTo("5 characters");
    }

    @Test
    void theContextRequestTokenAndDeadlineAreInjected() throws Exception {
        assertThat(server.get("/bind/injected").body()).isEqualTo("true false false /bind/injected");
    }
}
