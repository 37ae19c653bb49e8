package dev.baton.demo.front;

import static dev.baton.demo.front.CatalogViews.ASYNC;
import static dev.baton.demo.front.CatalogViews.SYNC;
import static dev.baton.demo.front.CatalogViews.compare;

import dev.baton.client.FanOut;
import dev.baton.context.RequestContext;
import dev.baton.controller.Controller;
import dev.baton.controller.Get;
import dev.baton.controller.Timeout;
import dev.baton.demo.catalog.BackendQuery;
import dev.baton.demo.catalog.Gizmo;
import dev.baton.demo.catalog.Product;
import dev.baton.demo.catalog.Widget;
import dev.baton.demo.web.Page;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The pages of the ASP.NET MVC 4 tutorial "Using Asynchronous Methods", side by side: each
 * synchronous action blocks its worker thread on the backend call ({@code join()}), each
 * asynchronous one returns the call's future and gives its thread back at once. Every page
 * passes its {@code delay} and {@code failRate} query parameters on to the backend.
 */
@Controller
public final class SamplePages {
    private final Outbound backend;

    public SamplePages(Outbound backend) {
        this.backend = backend;
    }

    @Get("/Products")
    public Page products(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        List<Product> products = await(backend.products(ctx, q));
        return new Page("Products", SYNC + "This worker thread called the backend and blocked until it answered: "
                + "for the whole delay it served no one else." + compare("ProductsAsync", q), CatalogViews.products(products));
    }

    @Get("/ProductsAsync")
    public CompletionStage<Page> productsAsync(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        return backend.products(ctx, q).thenApply(products -> new Page("ProductsAsync", ASYNC + "The action returned "
                + "the backend call's future: its worker went back to the pool at once, and the event loop that "
                + "received the answer finished this page. Same wait, no thread held." + compare("Products", q),
                CatalogViews.products(products)));
    }

    @Get("/Widgets")
    public Page widgets(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        List<Widget> widgets = await(backend.widgets(ctx, q));
        return new Page("Widgets", SYNC + "A worker thread blocked on the backend call." + compare("WidgetsAsync", q),
                CatalogViews.widgets(widgets));
    }

    @Get("/WidgetsAsync")
    public CompletionStage<Page> widgetsAsync(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        return backend.widgets(ctx, q).thenApply(widgets -> new Page("WidgetsAsync", ASYNC
                + "No thread waited for the backend." + compare("Widgets", q), CatalogViews.widgets(widgets)));
    }

    @Get("/Gizmos")
    public Page gizmos(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        List<Gizmo> gizmos = await(backend.gizmos(ctx, q));
        return new Page("Gizmos", SYNC + "A worker thread blocked on the backend call." + compare("GizmosAsync", q),
                CatalogViews.gizmos(gizmos));
    }

    @Get("/GizmosAsync")
    public CompletionStage<Page> gizmosAsync(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        return backend.gizmos(ctx, q).thenApply(gizmos -> new Page("GizmosAsync", ASYNC
                + "No thread waited for the backend." + compare("Gizmos", q), CatalogViews.gizmos(gizmos)));
    }

    /** Three calls one after another, each blocking the worker: about three delays. */
    @Get("/PWG")
    public Page pwg(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        List<Product> products = await(backend.products(ctx, q));
        List<Widget> widgets = await(backend.widgets(ctx, q));
        List<Gizmo> gizmos = await(backend.gizmos(ctx, q));
        return new Page("PWG", SYNC + "Products, then Widgets, then Gizmos: three calls one after another, the worker "
                + "blocked through all three, so the page takes the sum of the three delays." + compare("PWGasync", q),
                pwgBody(products, widgets, gizmos));
    }

    /** The same three calls in parallel: about one delay. */
    @Get("/PWGasync")
    public CompletionStage<Page> pwgAsync(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        return all3(ctx, q).thenApply(all -> new Page("PWGasync", ASYNC + "The three calls run in parallel "
                + "(FanOut): the page takes the longest of the three delays, not their sum, and no thread waits."
                + compare("PWG", q), pwgBody(all.first(), all.second(), all.third())));
    }

    /**
     * The three parallel calls under a 50 ms timeout: the timeout wins, the application's own
     * "timed out" page answers (a mapper of {@code RequestTimeoutException}), and the three calls,
     * made {@code in(ctx)}, are aborted: the backend counts them as cancelled.
     */
    @Timeout(50)
    @Get("/PWGtimeOut")
    public CompletionStage<Page> pwgTimeOut(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        return all3(ctx, q).thenApply(all -> new Page("PWGtimeOut", ASYNC + "This time the three calls beat the "
                + "50 ms timeout (a short delay was asked for). Without one, the timeout page answers.",
                pwgBody(all.first(), all.second(), all.third())));
    }

    /** One call under a 150 ms timeout, cancelled through the request's token when it fires. */
    @Timeout(150)
    @Get("/GizmosCancelAsync")
    public CompletionStage<Page> gizmosCancelAsync(RequestContext ctx) {
        BackendQuery q = BackendQuery.from(ctx.request());
        return backend.gizmos(ctx, q).thenApply(gizmos -> new Page("GizmosCancelAsync", ASYNC + "The backend "
                + "answered within the 150 ms timeout (a short delay was asked for). Without one, the timeout "
                + "page answers and the call is cancelled.", CatalogViews.gizmos(gizmos)));
    }

    private CompletableFuture<FanOut.Three<List<Product>, List<Widget>, List<Gizmo>>> all3(RequestContext ctx, BackendQuery q) {
        return FanOut.of(() -> backend.products(ctx, q), () -> backend.widgets(ctx, q), () -> backend.gizmos(ctx, q));
    }

    private static String pwgBody(List<Product> products, List<Widget> widgets, List<Gizmo> gizmos) {
        return CatalogViews.products(products) + CatalogViews.widgets(widgets) + CatalogViews.gizmos(gizmos);
    }

    /** Blocks this (worker) thread until {@code call} ends: the synchronous style, on purpose. */
    static <T> T await(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause; // what the call failed with, as a synchronous call would throw it
            }
            throw e;
        }
    }
}
