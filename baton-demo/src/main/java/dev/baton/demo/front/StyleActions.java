package dev.baton.demo.front;

import dev.baton.context.RequestContext;
import dev.baton.controller.AsyncOperations;
import dev.baton.controller.Controller;
import dev.baton.controller.Get;
import dev.baton.controller.Responder;
import dev.baton.demo.catalog.BackendQuery;
import dev.baton.demo.catalog.Gizmo;
import dev.baton.demo.catalog.Product;
import dev.baton.demo.catalog.Widget;
import dev.baton.demo.web.Stopwatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The same backend call written in each of the four controller styles (CONTROLLERS.md), as the
 * JSON twins of the {@code /styles/...} pages. Each records, in the order they happened, the
 * steps its own code ran and on which thread; the page adds the server's own thread trace.
 */
@Controller("/styles")
public final class StyleActions {

    /** What a twin answers: how many items it got and the steps its code ran. */
    public record StyleRun(String style, int items, List<Step> steps) {
    }

    /** One step of the action's own code, and the thread that ran it. */
    public record Step(String what, String thread) {
    }

    /** Steps recorded from any thread. */
    static final class Steps {
        private final List<Step> list = Collections.synchronizedList(new ArrayList<>());

        Steps add(String what) {
            list.add(new Step(what, Stopwatch.currentThread()));
            return this;
        }

        List<Step> snapshot() {
            synchronized (list) {
                return List.copyOf(list);
            }
        }
    }

    private static final String STEPS = StyleActions.class.getName() + ".steps";

    private final Outbound backend;

    public StyleActions(Outbound backend) {
        this.backend = backend;
    }

    /** A value: the worker blocks in {@code join()} until the call ends, then returns the result. */
    @Get("/value.json")
    public StyleRun value(RequestContext ctx) {
        Steps steps = new Steps().add("value(): the action began");
        CompletableFuture<List<Gizmo>> call = backend.gizmos(ctx, BackendQuery.from(ctx.request()));
        call.whenComplete((v, e) -> steps.add("the backend's answer arrived (the client completed the call's future)"));
        List<Gizmo> gizmos = SamplePages.await(call);
        steps.add("join() returned: the action, blocked until now, returns its value");
        return new StyleRun("value", gizmos.size(), steps.snapshot());
    }

    /** A future: the action returns at once; the thread that completes the call runs the rest. */
    @Get("/future.json")
    public CompletionStage<StyleRun> future(RequestContext ctx) {
        Steps steps = new Steps().add("future(): the action began");
        CompletionStage<StyleRun> run = backend.gizmos(ctx, BackendQuery.from(ctx.request())).thenApply(gizmos -> {
            steps.add("thenApply(...) ran: the backend's answer arrived");
            return new StyleRun("future", gizmos.size(), steps.snapshot());
        });
        steps.add("the action returned its future");
        return run;
    }

    /** Begin/end: the action returns {@code void}; a callback answers through the {@link Responder}. */
    @Get("/responder.json")
    public void responder(RequestContext ctx, Responder responder) {
        Steps steps = new Steps().add("responder(...): the action began");
        backend.gizmos(ctx, BackendQuery.from(ctx.request())).whenComplete((gizmos, error) -> {
            if (error != null) {
                responder.fail(error);
                return;
            }
            steps.add("the callback called responder.complete(...)");
            responder.complete(new StyleRun("responder", gizmos.size(), steps.snapshot()));
        });
        steps.add("the action returned (void): the Responder answers later");
    }

    /** Outstanding operations: three calls counted up, each callback counts down; the completion method answers. */
    @Get("/operations.json")
    public void operations(RequestContext ctx, AsyncOperations ops) {
        Steps steps = new Steps().add("operations(...): the action began, increment(3)");
        ctx.attributes().put(STEPS, steps);
        BackendQuery q = BackendQuery.from(ctx.request());
        ops.increment(3);
        gather(ops, steps, "products", backend.products(ctx, q));
        gather(ops, steps, "widgets", backend.widgets(ctx, q));
        gather(ops, steps, "gizmos", backend.gizmos(ctx, q));
        steps.add("the action returned (void) with its operations outstanding");
    }

    /** Runs on the thread whose {@code decrement()} reached zero. */
    public StyleRun operationsCompleted(List<Product> products, List<Widget> widgets, List<Gizmo> gizmos,
                                       RequestContext ctx) {
        Steps steps = ((Steps) ctx.attributes().get(STEPS)).add("operationsCompleted(...) ran: the count reached zero");
        return new StyleRun("operations", products.size() + widgets.size() + gizmos.size(), steps.snapshot());
    }

    private static void gather(AsyncOperations ops, Steps steps, String name, CompletableFuture<? extends List<?>> call) {
        call.whenComplete((items, error) -> {
            if (error != null) {
                ops.fail(error); // ends this operation: no decrement()
                return;
            }
            ops.parameters().put(name, items);
            steps.add(name + " arrived: decrement()");
            ops.decrement();
        });
    }
}
