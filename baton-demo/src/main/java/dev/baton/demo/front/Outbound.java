package dev.baton.demo.front;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.baton.client.BodyReader;
import dev.baton.client.Call;
import dev.baton.client.ClientResponse;
import dev.baton.client.HttpClient;
import dev.baton.context.RequestContext;
import dev.baton.demo.catalog.BackendQuery;
import dev.baton.demo.catalog.Gizmo;
import dev.baton.demo.catalog.Product;
import dev.baton.demo.catalog.Widget;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The front's outbound HTTP: one {@code baton-client} on the front server's own event loops, to
 * the backend and back to the front itself. A call made {@code in(ctx)} carries the page
 * request's deadline ({@code Baton-Timeout}) and is aborted when that request is cancelled, so
 * the backend sees the disconnect.
 *
 * <p>The client needs the front server's event loops, which exist once the server is built;
 * the pages need this object before that. So it is made first and {@linkplain #connect connected}
 * between {@code build()} and {@code start()}, before any request can arrive.
 */
public final class Outbound {
    private static final TypeReference<List<Product>> PRODUCTS = new TypeReference<>() { };
    private static final TypeReference<List<Widget>> WIDGETS = new TypeReference<>() { };
    private static final TypeReference<List<Gizmo>> GIZMOS = new TypeReference<>() { };

    /** The request attribute that counts the backend calls a page made {@code in(ctx)} (an Integer). */
    static final String CALLS = Outbound.class.getName() + ".calls";

    private final URI backend;
    private volatile HttpClient client;
    private volatile Supplier<URI> self;

    /** @param backend the backend's base URI ({@code http://127.0.0.1:9090}) */
    public Outbound(URI backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** Sets the client, and where the front itself listens (asked only once it does). */
    public void connect(HttpClient value, Supplier<URI> front) {
        this.client = Objects.requireNonNull(value, "client");
        this.self = Objects.requireNonNull(front, "front");
    }

    public HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            throw new IllegalStateException("connect(...) the outbound client before serving requests");
        }
        return c;
    }

    public URI backend() {
        return backend;
    }

    /**
     * {@code ctx} may be null for work outside a request (the report operation); with one, the call
     * is made {@code in(ctx)} and counted in the request's {@link #calls}.
     */
    public CompletableFuture<List<Product>> products(RequestContext ctx, BackendQuery q) {
        return list("products", PRODUCTS, ctx, q);
    }

    public CompletableFuture<List<Widget>> widgets(RequestContext ctx, BackendQuery q) {
        return list("widgets", WIDGETS, ctx, q);
    }

    public CompletableFuture<List<Gizmo>> gizmos(RequestContext ctx, BackendQuery q) {
        return list("gizmos", GIZMOS, ctx, q);
    }

    /** The backend calls made so far for the request ({@link #products} and its siblings, with its context). */
    static int calls(RequestContext ctx) {
        return ctx.attributes().get(CALLS) instanceof Integer n ? n : 0;
    }

    /** The backend's {@code /api/stats}, as it answered (any status). */
    public CompletableFuture<ClientResponse> backendStats(RequestContext ctx) {
        return client().get(backend.resolve("/api/stats").toString()).in(ctx).send();
    }

    /** A call to the front itself, e.g. {@code self("GET", "/styles/value.json")}. */
    public Call self(String method, String pathAndQuery) {
        return client().request(method, self.get().resolve(pathAndQuery));
    }

    private <T> CompletableFuture<List<T>> list(String resource, TypeReference<List<T>> type, RequestContext ctx,
                                                BackendQuery q) {
        Call call = client().get(backend.resolve("/api/" + resource + q.toQueryString()).toString())
                .header("Accept", "application/json");
        if (ctx != null) {
            call.in(ctx);
            ctx.attributes().merge(CALLS, 1, (a, b) -> (Integer) a + (Integer) b); // the timed-out page says how many
        }
        return call.send(BodyReader.as(type));
    }
}
