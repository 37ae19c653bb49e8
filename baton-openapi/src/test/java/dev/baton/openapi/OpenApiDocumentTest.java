package dev.baton.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Server;
import dev.baton.http.Response;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server with a controller that uses every binder and return style, functional routes with
 * and without declared types, and the OpenApi feature: the document it serves is read back by
 * swagger-parser, then checked piece by piece.
 */
@SuppressWarnings({"rawtypes", "unchecked"}) // swagger-parser's models use the raw Schema type
class OpenApiDocumentTest {
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();

    record Thing(long id, String label) {
    }

    record Page<T>(List<T> items, Optional<String> next) {
    }

    static Server server;
    static OpenAPI api;
    static JsonNode doc;

    @BeforeAll
    static void start() throws Exception {
        server = Server.builder()
                .config(c -> c.host("127.0.0.1").port(0).requestTimeout(Duration.ofSeconds(10)))
                .feature(OpenApi.builder().title("Gizmos").version("2.1").description("Gizmos and their parts")
                        .server("https://gizmos.example.com").build())
                // answers Prefer: respond-async as the operations module would; here it only lets @RespondAsync start
                .feature(setup -> setup.respondAsync((method, pattern, handler) -> handler))
                .controllers(new GizmoApi())
                .routing(r -> {
                    r.get("/health/{probe}", ctx -> "ok " + ctx.request().path("probe").asString());
                    r.post("/things/{id}", ctx -> Response.status(201).json(new Thing(ctx.request().path("id").asLong(), "made")))
                            .describe(d -> d.summary("Makes a thing").path("id", long.class).query("dry", boolean.class)
                                    .requiredHeader("X-Key", String.class).body(Thing.class).returns(Thing.class).status(201));
                    r.get("/things", ctx -> List.of(new Thing(1, "one")))
                            .describe(d -> d.returns(new TypeReference<List<Thing>>() { }.getType()));
                    r.get("/things/pages", ctx -> new Page<>(List.of(new Thing(1, "one")), Optional.empty()))
                            .describe(d -> d.returns(new TypeReference<Page<Thing>>() { }.getType()));
                })
                .build()
                .start();
        HttpResponse<String> res = get("/openapi.json");
        assertThat(res.statusCode()).isEqualTo(200);
        ParseOptions options = new ParseOptions();
        options.setResolve(true); // follows every $ref, and says so of one that leads nowhere
        options.setValidateInternalRefs(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(res.body(), null, options);
        assertThat(parsed.getMessages()).as("swagger-parser's messages").isEmpty();
        api = parsed.getOpenAPI();
        doc = json.readTree(res.body());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(1));
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServedDocumentIsOpenApi31ThatARealParserReadsWithoutAMessage() {
        assertThat(api.getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        assertThat(api.getInfo().getTitle()).isEqualTo("Gizmos");
        assertThat(api.getInfo().getVersion()).isEqualTo("2.1");
        assertThat(api.getInfo().getDescription()).isEqualTo("Gizmos and their parts");
        assertThat(api.getServers()).singleElement().satisfies(s -> assertThat(s.getUrl()).isEqualTo("https://gizmos.example.com"));
    }

    @Test
    void everyRouteIsAPathWithItsTemplateAndOneOperationPerMethodButTheDocumentsOwn() {
        assertThat(api.getPaths()).containsOnlyKeys("/gizmos", "/gizmos/{id}", "/gizmos/{id}/name", "/gizmos/{id}/photo",
                "/gizmos/{id}/notes", "/gizmos/colors/{color}", "/gizmos/categories", "/gizmos/summary", "/gizmos/later",
                "/gizmos/portal", "/gizmos/reports", "/health/{probe}", "/things/{id}", "/things", "/things/pages");
        PathItem one = api.getPaths().get("/gizmos/{id}");
        assertThat(one.readOperationsMap().keySet()).extracting(Enum::name).containsExactlyInAnyOrder("GET", "PUT", "DELETE");
        assertThat(api.getPaths().get("/gizmos").readOperationsMap().keySet()).extracting(Enum::name)
                .containsExactlyInAnyOrder("GET", "POST");
    }

    @Test
    void operationIdsAreTheActionsNamesOrMethodAndPathAndAreUnique() {
        List<String> ids = new ArrayList<>();
        api.getPaths().values().forEach(item -> item.readOperations().forEach(op -> ids.add(op.getOperationId())));
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(op("/gizmos/{id}", "get").getOperationId()).isEqualTo("find");
        assertThat(op("/gizmos/{id}", "get").getTags()).containsExactly("GizmoApi");
        assertThat(op("/health/{probe}", "get").getOperationId()).isEqualTo("getHealthByProbe");
        assertThat(op("/health/{probe}", "get").getTags()).isNull();
        assertThat(op("/things/{id}", "post").getSummary()).isEqualTo("Makes a thing");
    }

    @Test
    void pathQueryAndHeaderParametersHaveTheSchemasOfTheirJavaTypes() {
        Map<String, Parameter> find = params(op("/gizmos/{id}", "get"));
        assertThat(find).containsOnlyKeys("path id", "query verbose", "header X-Request-Id"); // RequestContext is injected
        assertParam(find.get("path id"), true, "string", "uuid");
        assertParam(find.get("query verbose"), false, "boolean", null);
        assertParam(find.get("header X-Request-Id"), false, "string", "uuid");

        Map<String, Parameter> list = params(op("/gizmos", "get"));
        assertThat(list).containsOnlyKeys("query limit", "query offset", "query tag", "query color", "query since",
                "query released-before", "query sku");
        assertParam(list.get("query limit"), true, "integer", "int32");
        assertParam(list.get("query offset"), false, "integer", "int32");
        assertParam(list.get("query tag"), false, "array", null);
        assertThat(list.get("query tag").getSchema().getItems().getTypes()).containsExactly("string");
        assertParam(list.get("query color"), true, "string", null);
        // a query parameter takes the constants' names (any case); JSON takes @JsonProperty's
        assertThat(list.get("query color").getSchema().getEnum()).containsExactly("RED", "GREEN", "BLUE");
        assertParam(list.get("query since"), true, "string", "date-time");
        assertParam(list.get("query released-before"), false, "string", "date");
        assertParam(list.get("query sku"), false, "string", null); // a value type: text, not its record's schema
        assertThat(api.getComponents().getSchemas()).doesNotContainKey("Sku");

        assertParam(params(op("/gizmos/colors/{color}", "get")).get("path color"), true, "string", null);
        assertParam(params(op("/gizmos", "post")).get("header Idempotency-Key"), true, "string", null);
        assertParam(params(op("/gizmos/{id}", "put")).get("path id"), true, "string", "uuid"); // @PathParam("id") UUID gizmoId
    }

    @Test
    void requestBodiesAreJsonSchemasOfTheBodyTypeTextOrOptional() {
        JsonNode create = doc.at("/paths/~1gizmos/post/requestBody");
        assertThat(create.get("required").asBoolean()).isTrue();
        assertThat(create.at("/content/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/NewGizmo");
        JsonNode replace = doc.at("/paths/~1gizmos~1{id}/put/requestBody");
        assertThat(replace.at("/content/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/NewGizmo");

        JsonNode note = doc.at("/paths/~1gizmos~1{id}~1notes/post/requestBody");
        assertThat(note.get("required").asBoolean()).isFalse(); // Optional<String>
        assertThat(note.at("/content/text~1plain/schema/type").asText()).isEqualTo("string");

        JsonNode report = doc.at("/paths/~1gizmos~1reports/post/requestBody/content/application~1json/schema");
        assertThat(report.get("type").asText()).isEqualTo("object");
        assertThat(report.get("additionalProperties").isEmpty()).isTrue(); // Map<String, Object>: any values
        assertThat(doc.at("/paths/~1gizmos~1{id}/get").has("requestBody")).isFalse();
    }

    @Test
    void recordsAndPojosAreComponentsWithTheirRequiredFieldsNestedByReference() {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        assertThat(schemas).containsKeys("Gizmo", "NewGizmo", "Dimensions", "Part", "Category", "Summary", "Thing", "Problem");

        Schema<?> gizmo = schemas.get("Gizmo");
        assertThat(gizmo.getTypes()).containsExactly("object");
        Map<String, Schema> p = gizmo.getProperties();
        assertThat(p.keySet()).containsExactly("id", "name", "color", "size", "parts", "tags", "stock", "created",
                "released", "price", "note", "nickname", "spare", "buildTime");
        assertThat(gizmo.getRequired()).containsExactlyInAnyOrder("id", "name", "color", "size", "parts", "tags", "stock",
                "created", "released", "price", "buildTime"); // not the Optional note, not the @Nullable nickname
        assertThat(p.get("size").get$ref()).isEqualTo("#/components/schemas/Dimensions");
        assertThat(p.get("parts").getTypes()).containsExactly("array");
        assertThat(p.get("parts").getItems().get$ref()).isEqualTo("#/components/schemas/Part");
        assertThat(p.get("tags").getUniqueItems()).isTrue();
        assertThat(((Schema<?>) p.get("stock").getAdditionalProperties()).getFormat()).isEqualTo("int32");
        assertThat(p.get("color").getEnum()).containsExactly("RED", "GREEN", "deep-blue");
        assertThat(p.get("created").getFormat()).isEqualTo("date-time");
        assertThat(p.get("released").getFormat()).isEqualTo("date");
        assertThat(p.get("price").getTypes()).containsExactly("number");
        assertThat(p.get("note").getTypes()).containsExactlyInAnyOrder("string", "null"); // an empty Optional is written as null
        assertThat(p.get("nickname").getTypes()).containsExactlyInAnyOrder("string", "null");
        assertThat(doc.at("/components/schemas/Gizmo/properties/spare/anyOf/0/$ref").asText())
                .isEqualTo("#/components/schemas/Part");
        assertThat(doc.at("/components/schemas/Gizmo/properties/spare/anyOf/1/type").asText()).isEqualTo("null");
        assertThat(p.get("buildTime").getFormat()).isEqualTo("duration");
        assertThat(p.get("buildTime").getDescription()).isEqualTo("how long one takes to make");

        assertThat(schemas.get("Dimensions").getRequired()).containsExactlyInAnyOrder("width", "height");
        assertThat(schemas.get("NewGizmo").getRequired()).containsExactlyInAnyOrder("name", "color", "size", "parts");
        Schema<?> part = schemas.get("Part");
        assertThat(part.getProperties().get("count").getFormat()).isEqualTo("int32");

        Schema<?> category = schemas.get("Category");
        assertThat(category.getProperties().get("children").getItems().get$ref()).isEqualTo("#/components/schemas/Category");

        Schema<?> summary = schemas.get("Summary");
        assertThat(summary.getProperties()).containsOnlyKeys("count", "total"); // @JsonIgnore'd secret left out
        assertThat(summary.getProperties().get("total").getFormat()).isEqualTo("int64");
    }

    @Test
    void theGizmoTheServerSendsHasThePropertiesItsSchemaListsAndEveryRequiredOne() throws Exception {
        HttpResponse<String> res = get("/gizmos/" + java.util.UUID.randomUUID());
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode sent = json.readTree(res.body());
        JsonNode schema = doc.at("/components/schemas/Gizmo");
        List<String> members = new ArrayList<>();
        sent.fieldNames().forEachRemaining(members::add);
        List<String> properties = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(properties::add);
        assertThat(members).containsExactlyInAnyOrderElementsOf(properties);
        schema.get("required").forEach(r -> assertThat(sent.get(r.asText()).isNull()).as(r.asText()).isFalse());
        for (String member : members) {
            if (sent.get(member).isNull()) {
                assertThat(schema.at("/properties/" + member).toString()).as(member).contains("\"null\"");
            }
        }
    }

    @Test
    void responsesFollowTheReturnTypeUnwrappedFromStageAndOptional() {
        assertThat(success(op("/gizmos/{id}", "get"), "200")).isEqualTo("application/json #/components/schemas/Gizmo");
        assertThat(op("/gizmos/{id}", "get").getResponses()).containsKey("404"); // an empty Optional
        JsonNode list = doc.at("/paths/~1gizmos/get/responses/200/content/application~1json/schema");
        assertThat(list.get("type").asText()).isEqualTo("array");
        assertThat(list.at("/items/$ref").asText()).isEqualTo("#/components/schemas/Gizmo");

        assertThat(op("/gizmos/{id}", "delete").getResponses().get("204").getContent()).isNull(); // void
        assertThat(op("/gizmos/{id}/notes", "post").getResponses()).containsKey("204"); // CompletionStage<Void>
        assertThat(op("/gizmos", "post").getResponses().get("2XX").getContent()).isNull(); // Response: built by the action
        assertThat(success(op("/gizmos/{id}/name", "get"), "200")).isEqualTo("text/plain string");
        assertThat(op("/gizmos/{id}/photo", "get").getResponses().get("200").getContent()).containsOnlyKeys("application/octet-stream");
        assertThat(success(op("/gizmos/{id}", "put"), "200")).isEqualTo("application/json #/components/schemas/Gizmo");
        assertThat(doc.at("/paths/~1gizmos~1colors~1{color}/get/responses/200/content/application~1json/schema"
                + "/additionalProperties/format").asText()).isEqualTo("int64");
        assertThat(op("/gizmos/later", "get").getResponses()).containsKey("2XX"); // a Responder's value has no declared type
        JsonNode portal = doc.at("/paths/~1gizmos~1portal/get/responses/200/content/application~1json/schema");
        assertThat(portal.at("/items/$ref").asText()).isEqualTo("#/components/schemas/Part"); // the completion method's
    }

    @Test
    void aRespondAsyncActionMayAnswer202AndTakesPrefer() {
        Operation report = op("/gizmos/reports", "post");
        assertThat(success(report, "200")).isEqualTo("application/json #/components/schemas/Summary");
        assertThat(report.getResponses().get("202").getHeaders()).containsKeys("Location", "Operation-Location");
        assertParam(params(report).get("header Prefer"), false, "string", null);
        assertThat(op("/gizmos/{id}", "get").getResponses()).doesNotContainKey("202");
    }

    @Test
    void aFunctionalRouteWithoutDeclaredTypesHasItsPathParametersAsText() {
        Operation health = op("/health/{probe}", "get");
        assertThat(params(health)).containsOnlyKeys("path probe");
        assertParam(params(health).get("path probe"), true, "string", null);
        assertThat(health.getRequestBody()).isNull();
        assertThat(health.getResponses().get("2XX").getDescription()).contains("not declared");
    }

    @Test
    void aFunctionalRouteThatDescribesItselfIsDocumentedLikeAnAction() {
        Operation things = op("/things/{id}", "post");
        Map<String, Parameter> params = params(things);
        assertThat(params).containsOnlyKeys("path id", "query dry", "header X-Key");
        assertParam(params.get("path id"), true, "integer", "int64");
        assertParam(params.get("query dry"), false, "boolean", null);
        assertParam(params.get("header X-Key"), true, "string", null);
        assertThat(things.getRequestBody().getContent().get("application/json").getSchema().get$ref())
                .isEqualTo("#/components/schemas/Thing");
        assertThat(success(things, "201")).isEqualTo("application/json #/components/schemas/Thing");
        assertThat(things.getResponses()).doesNotContainKey("200");
        JsonNode list = doc.at("/paths/~1things/get/responses/200/content/application~1json/schema");
        assertThat(list.at("/items/$ref").asText()).isEqualTo("#/components/schemas/Thing");

        assertThat(success(op("/things/pages", "get"), "200")).isEqualTo("application/json #/components/schemas/Page_Thing");
        assertThat(doc.at("/components/schemas/Page_Thing/properties/items/items/$ref").asText())
                .isEqualTo("#/components/schemas/Thing");
        assertThat(doc.at("/components/schemas/Page_Thing/required").toString()).isEqualTo("[\"items\"]");
    }

    @Test
    void everyOperationDescribesTheProblemsTheServerAnswersWithAsProblemJson() {
        Set<String> problems = new HashSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            assertThat(op.getResponses()).as(method + " " + path).containsKeys("500", "503");
            op.getResponses().forEach((status, r) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    assertThat(r.get$ref()).as(method + " " + path + " " + status).startsWith("#/components/responses/");
                    problems.add(status + " " + r.get$ref());
                }
            });
        }));
        assertThat(problems).contains("400 #/components/responses/BadRequest", "404 #/components/responses/NotFound",
                "413 #/components/responses/ContentTooLarge", "415 #/components/responses/UnsupportedMediaType",
                "500 #/components/responses/InternalServerError", "503 #/components/responses/ServiceUnavailable",
                "504 #/components/responses/GatewayTimeout");

        assertThat(statuses(op("/gizmos", "post"))).containsExactly("2XX", "400", "413", "415", "500", "503", "504");
        assertThat(statuses(op("/gizmos/{id}", "delete"))).containsExactly("204", "400", "404", "500", "503"); // @NoTimeout: no 504
        assertThat(statuses(op("/gizmos/summary", "get"))).containsExactly("200", "500", "503", "504"); // no input: no 400
        assertThat(statuses(op("/gizmos/{id}/notes", "post"))).containsExactly("204", "400", "404", "413", "500", "503", "504");

        api.getComponents().getResponses().forEach((name, r) ->
                assertThat(r.getContent().get("application/problem+json").getSchema().get$ref())
                        .as(name).isEqualTo("#/components/schemas/Problem"));
        assertThat(api.getComponents().getResponses().get("ServiceUnavailable").getHeaders()).containsKey("Retry-After");
        assertThat(api.getComponents().getResponses().get("ContentTooLarge").getDescription()).contains("10485760 bytes");
        assertThat(api.getComponents().getResponses().get("GatewayTimeout").getDescription()).contains("10000 ms");
    }

    @Test
    void theProblemSchemaHasRfc9457sMembersAndFitsWhatTheServerAnswers() throws Exception {
        Schema<?> problem = api.getComponents().getSchemas().get("Problem");
        assertThat(problem.getProperties()).containsOnlyKeys("type", "title", "status", "detail", "instance");
        assertThat(problem.getProperties().get("type").getFormat()).isEqualTo("uri-reference");
        assertThat(problem.getRequired()).containsExactly("status");

        HttpResponse<String> bad = get("/gizmos/not-a-uuid");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode body = json.readTree(bad.body());
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String member = it.next();
            Schema<?> s = problem.getProperties().get(member);
            assertThat(s).as(member).isNotNull();
            String type = s.getTypes().iterator().next();
            assertThat(body.get(member).isTextual() ? "string" : body.get(member).isInt() ? "integer" : "?").as(member).isEqualTo(type);
        }
        assertThat(body.get("status").asInt()).isEqualTo(400);
    }

    static Operation op(String path, String method) {
        PathItem item = api.getPaths().get(path);
        assertThat(item).as(path).isNotNull();
        Operation op = item.readOperationsMap().get(PathItem.HttpMethod.valueOf(method.toUpperCase()));
        assertThat(op).as(method + " " + path).isNotNull();
        return op;
    }

    static Map<String, Parameter> params(Operation op) {
        List<Parameter> ps = op.getParameters() == null ? List.of() : op.getParameters();
        return ps.stream().collect(Collectors.toMap(p -> p.getIn() + " " + p.getName(), Function.identity()));
    }

    static void assertParam(Parameter p, boolean required, String type, String format) {
        assertThat(p).isNotNull();
        assertThat(p.getRequired()).as(p.getName() + " required").isEqualTo(required);
        assertThat(p.getSchema().getTypes()).as(p.getName() + " type").containsExactly(type);
        assertThat(p.getSchema().getFormat()).as(p.getName() + " format").isEqualTo(format);
    }

    /** "media type, schema" of one response: its $ref, else its type. */
    static String success(Operation op, String status) {
        var content = op.getResponses().get(status).getContent();
        var entry = content.entrySet().iterator().next();
        Schema<?> s = entry.getValue().getSchema();
        return entry.getKey() + " " + (s.get$ref() != null ? s.get$ref() : s.getTypes().iterator().next());
    }

    static List<String> statuses(Operation op) {
        return List.copyOf(op.getResponses().keySet());
    }
}
