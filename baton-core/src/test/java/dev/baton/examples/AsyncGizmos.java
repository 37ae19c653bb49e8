package dev.baton.examples;

import dev.baton.Server;
import dev.baton.controller.ActionContext;
import dev.baton.controller.ActionFilter;
import dev.baton.controller.AsyncOperations;
import dev.baton.controller.Body;
import dev.baton.controller.Controller;
import dev.baton.controller.Filters;
import dev.baton.controller.Get;
import dev.baton.controller.Post;
import dev.baton.controller.Responder;
import dev.baton.controller.Timeout;
import dev.baton.http.HttpException;
import dev.baton.http.Response;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The four return styles of a controller action against slow back ends: a value, a
 * {@code CompletionStage}, a {@link Responder} around a callback library, and
 * {@link AsyncOperations} gathering two callbacks; plus a filter and a class-wide timeout.
 *
 * <pre>{@code java dev.baton.examples.AsyncGizmos 8080
 * curl -d '{"name":"sprocket"}' -H 'Content-Type: application/json' localhost:8080/gizmos
 * curl localhost:8080/gizmos/<id>/overview}</pre>
 */
@Controller("/gizmos")
@Timeout(2000)
@Filters(AsyncGizmos.Audit.class)
public class AsyncGizmos {
    /** Stands in for the network: answers 20 ms later on another thread. */
    private static final Executor network = CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS);

    public record NewGizmo(String name) {
    }

    public record Gizmo(UUID id, String name) {
    }

    public record Overview(Gizmo gizmo, BigDecimal price) {
    }

    /** An async store: every call completes later, on another thread. */
    static final class Store {
        private final Map<UUID, Gizmo> gizmos = new ConcurrentHashMap<>();

        CompletionStage<Gizmo> save(String name) {
            Gizmo g = new Gizmo(UUID.randomUUID(), name);
            return CompletableFuture.supplyAsync(() -> {
                gizmos.put(g.id(), g);
                return g;
            }, network);
        }

        CompletionStage<Gizmo> find(UUID id) {
            return CompletableFuture.supplyAsync(() -> gizmos.get(id), network);
        }
    }

    /** A legacy price service with callbacks instead of futures. */
    static final class PriceService {
        void quote(UUID id, Consumer<BigDecimal> onPrice, Consumer<Exception> onError) {
            network.execute(() -> onPrice.accept(BigDecimal.valueOf(Math.abs(id.hashCode() % 10_000), 2)));
        }
    }

    /** Writes down every action that ran; see {@code GET /gizmos/audit}. */
    public static final class Audit implements ActionFilter {
        static final List<String> log = new CopyOnWriteArrayList<>();

        @Override
        public Object before(ActionContext action) {
            log.add(action.method().getName() + " " + action.arguments().stream().filter(a -> a instanceof UUID).toList());
            return null;
        }
    }

    private final Store store = new Store();
    private final PriceService prices = new PriceService();

    /** A value: written at once, on the thread that ran the action. */
    @Get("/audit")
    public List<String> audit() {
        return List.copyOf(Audit.log);
    }

    /** A stage: the thread is released while the store works. */
    @Post
    public CompletionStage<Response> create(@Body NewGizmo gizmo) {
        if (gizmo.name() == null || gizmo.name().isBlank()) {
            throw HttpException.badRequest("a gizmo needs a name");
        }
        return store.save(gizmo.name())
                .thenApply(g -> Response.status(201).header("Location", "/gizmos/" + g.id()).json(g));
    }

    @Get("/{id}")
    public CompletionStage<Gizmo> find(UUID id) {
        return store.find(id).thenApply(g -> {
            if (g == null) {
                throw HttpException.notFound("no gizmo " + id);
            }
            return g;
        });
    }

    /** Begin/end: the callback answers through the responder. */
    @Get("/{id}/price")
    public void price(UUID id, Responder responder) {
        prices.quote(id, responder::complete, responder::fail);
    }

    /** Event-based: two callbacks, then {@link #overviewCompleted} answers with both results. */
    @Get("/{id}/overview")
    public void overview(UUID id, AsyncOperations ops) {
        ops.increment(2);
        store.find(id).whenComplete((g, e) -> {
            ops.parameters().put("gizmo", g);
            ops.decrement();
        });
        prices.quote(id, price -> {
            ops.parameters().put("price", price);
            ops.decrement();
        }, ops::fail);
    }

    public Overview overviewCompleted(Gizmo gizmo, BigDecimal price) {
        if (gizmo == null) {
            throw HttpException.notFound("no gizmo");
        }
        return new Overview(gizmo, price);
    }

    public static Server start(int port) {
        return Server.builder().config(c -> c.port(port)).controllers(new AsyncGizmos()).build().start();
    }

    public static void main(String[] args) {
        Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("AsyncGizmos listening on http://localhost:" + server.port() + "/gizmos");
    }
}
