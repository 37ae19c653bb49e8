package dev.baton.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.http.HttpException;
import dev.baton.http.Response;
import dev.baton.testing.await.Await;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ActionFilterTest {
    static ControllerServer server;
    static final AtomicBoolean guardedRan = new AtomicBoolean();
    static final AtomicReference<List<String>> guardedTrace = new AtomicReference<>();

    @BeforeAll
    static void start() {
        server = ControllerServer.start(b -> b.config(c -> c.tracing(dev.baton.Tracing.ON_REQUEST))
                .actionFilter(new Tracing("global"))
                .actionFilter(new Outermost()), new Filtered(), new Unfiltered(), new Inheriting());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The events of one request, in the request's attributes; the action returns it, so after filters append to it. */
    @SuppressWarnings("unchecked")
    static List<String> trace(ActionContext a) {
        return (List<String>) a.context().attributes().computeIfAbsent("trace",
                k -> Collections.synchronizedList(new ArrayList<>()));
    }

    /** Records before and after under a label; registered globally with "global", declared with "declared". */
    public static class Tracing implements ActionFilter {
        private final String label;

        public Tracing() {
            this("declared");
        }

        Tracing(String label) {
            this.label = label;
        }

        @Override
        public Object before(ActionContext a) {
            trace(a).add(label + ":before");
            return null;
        }

        @Override
        public Object after(ActionContext a) {
            trace(a).add(label + ":after");
            return a.result();
        }
    }

    /** Global, but ordered first of all. */
    public static class Outermost extends Tracing {
        public Outermost() {
            super("outermost");
        }

        @Override
        public int order() {
            return -10;
        }
    }

    public static class ClassLevel extends Tracing {
        public ClassLevel() {
            super("class");
        }
    }

    public static class ActionLevel extends Tracing {
        public ActionLevel() {
            super("action");
        }
    }

    /** Runs before everything else at its level (order -1) even though it is declared on the action. */
    public static class Early extends Tracing {
        public Early() {
            super("early");
        }

        @Override
        public int order() {
            return -1;
        }
    }

    /** Does its before and after work on another thread. */
    public static class Async implements ActionFilter {
        static final Executor elsewhere = r -> new Thread(r, "async-filter").start();

        @Override
        public Object before(ActionContext a) {
            CompletableFuture<Object> done = new CompletableFuture<>();
            // completes once the pipeline awaits it: done sooner (a slow machine), the filters after it
            // would rightly go on on the worker, and none would run on another thread
            elsewhere.execute(() -> {
                Await.until("the pipeline awaits the async filter", java.time.Duration.ofSeconds(5),
                        () -> done.getNumberOfDependents() > 0);
                trace(a).add("async:before on " + Thread.currentThread().getName());
                done.complete(null);
            });
            return done;
        }

        @Override
        public Object after(ActionContext a) {
            return CompletableFuture.supplyAsync(() -> {
                trace(a).add("async:after");
                return a.result();
            }, elsewhere);
        }
    }

    /** Answers 401 without running the action when there is no token. */
    public static class Guard implements ActionFilter {
        @Override
        public Object before(ActionContext a) {
            a.context().onComplete(outcome -> guardedTrace.set(List.copyOf(trace(a))));
            return a.context().request().header("X-Token").isPresent() ? null
                    : CompletableFuture.completedFuture(Response.status(401).text("no token"));
        }
    }

    /** Turns an IllegalStateException into a 409 response, and anything else into a 422 problem. */
    public static class Translate implements ActionFilter {
        @Override
        public Object onException(ActionContext a, Throwable error) {
            if (error instanceof IllegalStateException) {
                return Response.status(409).text("recovered from " + error.getMessage() + " in " + a.method().getName());
            }
            throw new HttpException(422, "translated: " + error.getMessage());
        }
    }

    /** Wraps every result in an envelope naming the action's arguments. */
    public static class Envelope implements ActionFilter {
        @Override
        public Object after(ActionContext a) {
            return "envelope(" + a.arguments() + " -> " + a.result() + ")";
        }
    }

    @Controller("/filtered")
    @Filters({ClassLevel.class, Tracing.class})
    public static class Filtered {
        @Get("/order")
        @Filters({ActionLevel.class, Early.class})
        public List<String> order(dev.baton.context.RequestContext ctx) {
            List<String> trace = traceOf(ctx);
            trace.add("action");
            return trace;
        }

        @Get("/async")
        @Filters(Async.class)
        public CompletableFuture<List<String>> async(dev.baton.context.RequestContext ctx) {
            List<String> trace = traceOf(ctx);
            return CompletableFuture.supplyAsync(() -> {
                trace.add("action");
                return trace;
            });
        }

        @Get("/guarded")
        @Filters(Guard.class)
        public List<String> guarded(dev.baton.context.RequestContext ctx) {
            guardedRan.set(true);
            return traceOf(ctx);
        }

        @Get("/fails/{how}")
        @Filters(Translate.class)
        public String fails(String how) {
            throw how.equals("state") ? new IllegalStateException("a bad state") : new IllegalArgumentException("bad");
        }

        @Get("/checked")
        @Filters(Translate.class)
        public String checked() throws java.io.IOException {
            throw new java.io.IOException("the disk is full");
        }

        @SuppressWarnings("unchecked")
        private static List<String> traceOf(dev.baton.context.RequestContext ctx) {
            return (List<String>) ctx.attributes().computeIfAbsent("trace",
                    k -> Collections.synchronizedList(new ArrayList<>()));
        }
    }

    @Controller("/plain")
    public static class Unfiltered {
        @Get("/envelope/{n}")
        @Filters(Envelope.class)
        public int envelope(int n) {
            return n * 2;
        }
    }

    public static class Base {
        @Get("/inherited")
        public List<String> inherited(dev.baton.context.RequestContext ctx) {
            return Filtered.traceOf(ctx);
        }
    }

    @Controller("/child")
    @Filters(ClassLevel.class)
    public static class Inheriting extends Base {
    }

    @Test
    void anInheritedActionTakesThePrefixAndFiltersOfTheRegisteredClass() throws Exception {
        var res = server.get("/child/inherited");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("\"class:before\"", "\"global:before\"");
    }

    @Test
    void filtersRunByOrderThenGlobalClassActionAndUnwindInReverse() throws Exception {
        var res = server.get("/filtered/order");
        assertThat(res.statusCode()).isEqualTo(200);
        // Tracing is declared on the class, so its declaration beats the global instance: "declared", never "global"
        assertThat(res.body()).isEqualTo("[\"outermost:before\",\"early:before\",\"class:before\",\"declared:before\","
                + "\"action:before\",\"action\",\"action:after\",\"declared:after\",\"class:after\",\"early:after\","
                + "\"outermost:after\"]");
    }

    @Test
    void topLevelMiddlewareWrapsTheActionsAndTheirFilters() throws Exception {
        try (ControllerServer wrapped = ControllerServer.start(b -> b.routing(r -> r.use((ctx, next) -> {
            List<String> trace = Filtered.traceOf(ctx);
            trace.add("middleware");
            return next.proceed().thenApply(response -> {
                trace.add("middleware:after");
                return response;
            });
        })), new Filtered())) {
            var res = wrapped.get("/filtered/order");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).startsWith("[\"middleware\",\"early:before\"").endsWith("\"middleware:after\"]");
        }
    }

    @Test
    void aControllerWithoutDeclaredFiltersGetsTheGlobalOnes() throws Exception {
        var res = server.get("/plain/envelope/21");
        assertThat(res.body()).isEqualTo("envelope([21] -> 42)");
    }

    @Test
    void asyncFiltersAreAwaitedWithoutHoldingTheRequestThread() throws Exception {
        var res = server.get("/filtered/async");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("[\"outermost:before\",\"class:before\",\"declared:before\","
                + "\"async:before on async-filter\",\"action\",\"async:after\",\"declared:after\",\"class:after\","
                + "\"outermost:after\"]");
    }

    @Test
    void eachFilterMethodIsAStageOfTheThreadTraceOnTheThreadThatRanIt() throws Exception {
        var res = server.send(server.request("/filtered/async").header(dev.baton.Tracing.HEADER, "1").build());
        String timing = res.headers().firstValue("Server-Timing").orElseThrow();
        // before on the worker; the filters outside the async one finish on the thread that completed its stage
        assertThat(timing).containsPattern("filter;dur=[0-9.]+;desc=\"baton-worker-\\d+\"")
                // ...and after the async filter, on whichever thread completed its stage (not the worker)
                .containsPattern("filter;dur=[0-9.]+;desc=\"(?!baton-worker)[^\"]+\"");
    }

    @Test
    void aFilterCanShortCircuitAndTheOuterFiltersStillSeeTheResult() throws Exception {
        guardedRan.set(false);
        var res = server.get("/filtered/guarded");
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.body()).isEqualTo("no token");
        assertThat(guardedRan).isFalse();
        assertThat(guardedTrace.get()).containsExactly("outermost:before", "class:before", "declared:before",
                "declared:after", "class:after", "outermost:after");
        var allowed = server.send(server.request("/filtered/guarded").header("X-Token", "t").build());
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(guardedRan).isTrue();
    }

    @Test
    void anExceptionFilterCanRecoverOrTranslate() throws Exception {
        var recovered = server.get("/filtered/fails/state");
        assertThat(recovered.statusCode()).isEqualTo(409);
        assertThat(recovered.body()).isEqualTo("recovered from a bad state in fails");
        var translated = server.get("/filtered/fails/argument");
        assertThat(translated.statusCode()).isEqualTo(422);
        assertThat(translated.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(translated.body()).contains("translated: bad");
        // a checked exception reaches the filter as itself, not wrapped
        assertThat(server.get("/filtered/checked").body()).contains("translated: the disk is full");
    }
}
