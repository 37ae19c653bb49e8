package dev.baton.controller;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Mistakes in a controller fail {@code build()}, with a message that names the Java methods involved. */
class StartupErrorsTest {

    static Server.Builder builder() {
        return Server.builder().config(c -> c.port(0).host("127.0.0.1"));
    }

    @Controller("/gizmos")
    public static class Ambiguous {
        @Get("/{id}")
        public String find(UUID id) {
            return "find";
        }

        @Get("/{name}/")
        public String byName(String name) {
            return "byName";
        }
    }

    @Controller("/gizmos")
    public static class Finder {
        @Get("/{id}")
        public String find(UUID id) {
            return "find";
        }
    }

    @Controller("gizmos/")
    public static class OtherFinder {
        @Get("{key}")
        public String lookup(String key) {
            return "lookup";
        }
    }

    @Controller("/strays")
    public static class StrayCompletion {
        @Get("/")
        public String list() {
            return "list";
        }

        @Completed("nope")
        public String done() {
            return "never runs";
        }
    }

    @Test
    void aCompletedMarkerNamingNoOperationsActionFailsTheBuild() {
        assertThatThrownBy(() -> builder().controllers(new StrayCompletion()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StrayCompletion.done()")
                .hasMessageContaining("@Completed(\"nope\")")
                .hasMessageContaining("no action of that name that takes AsyncOperations");
    }

    @Test
    void twoActionsOnTheSameMethodAndPathNameBothMethods() {
        assertThatThrownBy(() -> builder().controllers(new Ambiguous()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("GET /gizmos/")
                .hasMessageContaining("Ambiguous.byName(String)")
                .hasMessageContaining("Ambiguous.find(UUID)");
    }

    @Test
    void twoControllersOnTheSameRouteNameBothMethods() {
        assertThatThrownBy(() -> builder().controllers(new Finder(), new OtherFinder()).build())
                .hasMessageContaining("two actions are mapped to GET /gizmos/{key}: Finder.find(UUID) and "
                        + "OtherFinder.lookup(String)");
    }

    @Test
    void anActionOnTheRouteOfAFunctionalHandlerIsAnError() {
        assertThatThrownBy(() -> builder().routing(r -> r.get("/gizmos/{id}", ctx -> "functional"))
                .controllers(new Finder()).build())
                .hasMessageContaining("a handler registered with routing(...) and Finder.find(UUID)");
    }

    public static class NoActions {
        public String notMapped() {
            return "";
        }
    }

    @Test
    void aControllerWithoutActionsIsAnError() {
        assertThatThrownBy(() -> builder().controllers(new NoActions()).build())
                .hasMessageContaining("NoActions has no action");
        assertThatThrownBy(() -> builder().controllers(Finder.class).build())
                .hasMessageContaining("takes controller instances");
    }

    public static class BadParameters {
        @Get("/unknown/{id}")
        public String unknown(@PathParam("ident") String id) {
            return id;
        }
    }

    @Test
    void aPathParamMissingFromThePatternIsAnError() {
        assertThatThrownBy(() -> builder().controllers(new BadParameters()).build())
                .hasMessageContaining("BadParameters.unknown(String): parameter 'id' names path parameter 'ident', "
                        + "which is not in /unknown/{id}");
    }

    record Gizmo(String name) {
    }

    public static class TwoBodies {
        @Post("/two")
        public String two(Gizmo a, @Body Gizmo b) {
            return "";
        }
    }

    @Test
    void twoBodyParametersAreAnError() {
        assertThatThrownBy(() -> builder().controllers(new TwoBodies()).build())
                .hasMessageContaining("TwoBodies.two(Gizmo, Gizmo): parameter 'b' is a second request body after 'a'");
    }

    public static class UnconvertibleQuery {
        @Get("/q")
        public String q(@Query Gizmo gizmo) {
            return "";
        }
    }

    @Test
    void aQueryParameterThatCannotComeFromTextIsAnError() {
        assertThatThrownBy(() -> builder().controllers(new UnconvertibleQuery()).build())
                .hasMessageContaining("parameter 'gizmo' is a query parameter of type Gizmo, which cannot be converted");
    }

    public static class ResponderReturnsValue {
        @Get("/r")
        public String r(Responder responder) {
            return "";
        }
    }

    public static class MissingCompletion {
        @Get("/ops")
        public void ops(AsyncOperations ops) {
        }
    }

    public static class ReturnsFuture {
        @Get("/f")
        public Future<String> f() {
            return CompletableFuture.completedFuture("");
        }
    }

    @Test
    void returnStylesThatCannotWorkAreErrors() {
        assertThatThrownBy(() -> builder().controllers(new ResponderReturnsValue()).build())
                .hasMessageContaining("ResponderReturnsValue.r(Responder) takes a Responder, so it returns void");
        assertThatThrownBy(() -> builder().controllers(new MissingCompletion()).build())
                .hasMessageContaining("MissingCompletion.ops(AsyncOperations) takes AsyncOperations, so it needs exactly "
                        + "one completion method, named opsCompleted or marked @Completed(\"ops\"); found none");
        assertThatThrownBy(() -> builder().controllers(new ReturnsFuture()).build())
                .hasMessageContaining("ReturnsFuture.f() returns a Future").hasMessageContaining("return a CompletionStage");
    }

    public static class BothTimeouts {
        @Timeout(100)
        @NoTimeout
        @Get("/t")
        public String t() {
            return "";
        }
    }

    public static class NeedsArgument implements ActionFilter {
        NeedsArgument(String label) {
        }
    }

    @Filters(NeedsArgument.class)
    public static class FilterWithoutConstructor {
        @Get("/x")
        public String x() {
            return "";
        }
    }

    @Test
    void contradictoryTimeoutsAndUninstantiableFiltersAreErrors() {
        assertThatThrownBy(() -> builder().controllers(new BothTimeouts()).build())
                .hasMessageContaining("BothTimeouts.t() has both @Timeout and @NoTimeout");
        assertThatThrownBy(() -> builder().controllers(new FilterWithoutConstructor()).build())
                .hasMessageContaining("NeedsArgument is declared with @Filters, so it needs a no-argument constructor");
    }
}
