package dev.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import dev.baton.controller.AsyncOperations;
import dev.baton.controller.Body;
import dev.baton.controller.Controller;
import dev.baton.controller.Get;
import dev.baton.controller.Header;
import dev.baton.controller.Post;
import dev.baton.controller.Responder;
import dev.baton.routing.RouteDescription.In;
import dev.baton.routing.RouteDescription.Parameter;
import dev.baton.support.TestServer;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RouteDescriptionTest {
    record Gizmo(UUID id, String name) {
    }

    record NewGizmo(String name) {
    }

    @Controller("/gizmos")
    static class Gizmos {
        @Get("/{id}")
        public CompletionStage<Optional<Gizmo>> find(UUID id, Optional<Boolean> verbose, @Header("X-Tenant") String tenant,
                                                     dev.baton.context.RequestContext ctx) {
            return CompletableFuture.completedFuture(Optional.of(new Gizmo(id, tenant)));
        }

        @Post
        public Gizmo create(@Body NewGizmo gizmo, List<String> tag) {
            return new Gizmo(UUID.randomUUID(), gizmo.name());
        }

        @Get("/later")
        public void later(Responder responder) {
            responder.complete("later");
        }

        @Get("/portal")
        public void portal(AsyncOperations ops) {
        }

        public Map<String, Integer> portalCompleted() {
            return Map.of("n", 1);
        }
    }

    @Test
    void aControllerActionIsDescribedByItsSignatureAndStillServes() throws Exception {
        try (TestServer s = start(Server.builder().controllers(new Gizmos()))) {
            Map<String, RouteDescription> byRoute = descriptions(s.server);

            RouteDescription find = byRoute.get("GET /gizmos/{id}");
            assertThat(find.action().getName()).isEqualTo("find");
            assertThat(find.parameters()).extracting(Parameter::in, Parameter::name, Parameter::required).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(In.PATH, "id", true),
                    org.assertj.core.groups.Tuple.tuple(In.QUERY, "verbose", false),
                    org.assertj.core.groups.Tuple.tuple(In.HEADER, "X-Tenant", true));
            assertThat(find.parameters().get(0).type()).isEqualTo(UUID.class);
            assertThat(find.body()).isNull();
            assertThat(find.returns().getTypeName())
                    .isEqualTo("java.util.concurrent.CompletionStage<java.util.Optional<" + Gizmo.class.getName() + ">>");

            RouteDescription create = byRoute.get("POST /gizmos");
            assertThat(create.body()).isEqualTo(NewGizmo.class);
            assertThat(create.returns()).isEqualTo(Gizmo.class);
            assertThat(create.parameters()).singleElement().satisfies(p -> {
                assertThat(p.name()).isEqualTo("tag");
                assertThat(p.required()).isFalse();
            });

            assertThat(s.get("/gizmos/" + UUID.randomUUID()).statusCode()).isEqualTo(400); // X-Tenant missing: binding as before
        }
    }

    @Test
    void aResponderActionHasNoDeclaredResultAndAnAsyncOperationsActionHasItsCompletionMethods() throws Exception {
        try (TestServer s = start(Server.builder().controllers(new Gizmos()))) {
            Map<String, RouteDescription> byRoute = descriptions(s.server);
            assertThat(byRoute.get("GET /gizmos/later").returns()).isNull();
            Type portal = byRoute.get("GET /gizmos/portal").returns();
            assertThat(portal.getTypeName()).isEqualTo("java.util.Map<java.lang.String, java.lang.Integer>");
        }
    }

    @Test
    void aFunctionalRouteDeclaresNothingUnlessItDescribesItself() throws Exception {
        try (TestServer s = start(Server.builder().routing(r -> {
            r.get("/plain/{id}", ctx -> "plain");
            r.post("/things/{id}", ctx -> "made").describe(d -> d.summary("Makes a thing").path("id", UUID.class))
                    .timeout(Duration.ofSeconds(3))
                    .describe(d -> d.query("dry", boolean.class).requiredHeader("X-Key", String.class)
                            .body(NewGizmo.class).returns(Gizmo.class).status(201));
        }))) {
            Map<String, RouteDescription> byRoute = descriptions(s.server);
            assertThat(byRoute.get("GET /plain/{id}")).isEqualTo(RouteDescription.NONE);

            RouteDescription things = byRoute.get("POST /things/{id}");
            assertThat(things.summary()).isEqualTo("Makes a thing");
            assertThat(things.parameters()).containsExactly(new Parameter(In.PATH, "id", UUID.class, true),
                    new Parameter(In.QUERY, "dry", boolean.class, false), new Parameter(In.HEADER, "X-Key", String.class, true));
            assertThat(things.body()).isEqualTo(NewGizmo.class);
            assertThat(things.status()).isEqualTo(201);
            assertThat(things.action()).isNull();
            assertThat(s.send(s.request("/things/1").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).body())
                    .isEqualTo("made");
        }
    }

    @Test
    void aRouteThatMayRespondAsyncSaysSo() {
        Routing routing = new Routing();
        routing.post("/reports", ctx -> "r").respondAsync();
        routing.post("/now", ctx -> "n");
        assertThat(routing.routes()).extracting(r -> r.description().respondAsync()).containsExactly(true, false);
    }

    @Test
    void aDescriptionThatTypesAPathParameterThePatternLacksIsRefused() {
        Routing routing = new Routing();
        assertThatThrownBy(() -> routing.get("/gizmos/{id}", ctx -> "x").describe(d -> d.path("name", String.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GET /gizmos/{id} has no path parameter 'name'");
        assertThatThrownBy(() -> RouteDescription.builder().status(404).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200..299");
    }

    private static TestServer start(Server.Builder builder) {
        return TestServer.of(builder.config(c -> c.host("127.0.0.1").port(0)).build().start());
    }

    private static Map<String, RouteDescription> descriptions(Server server) {
        return server.routes().stream().collect(Collectors.toMap(Route::toString, Route::description));
    }
}
