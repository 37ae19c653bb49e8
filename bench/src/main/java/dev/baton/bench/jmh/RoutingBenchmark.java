package dev.baton.bench.jmh;

import dev.baton.internal.routing.RouteTable;
import dev.baton.routing.Handler;
import dev.baton.routing.Route;
import dev.baton.routing.Routing;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What routing costs per request: the route table lookup (the dispatcher's {@code find} on
 * decoded segments), then calling the matched handler, on a table of 50 routes shaped like a
 * real API (literal prefixes, path parameters, several methods per path).
 *
 * <pre>{@code ./baton bench jmh RoutingBenchmark}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {

    /** Paths that hit the table in different ways: a literal, one and two parameters, a 405 and a 404. */
    @Param({"/plaintext", "/api/v1/gizmos/42", "/api/v1/customers/7/orders/99", "/api/v1/gizmos", "/nowhere/at/all"})
    public String path;

    private RouteTable table;
    private String method;

    @Setup
    public void setUp() {
        table = new RouteTable(routes().routes());
        // /api/v1/gizmos only has GET and POST: DELETE there measures the 405 path
        method = path.equals("/api/v1/gizmos") ? "DELETE" : "GET";
    }

    /** 50 routes: a few top-level literals and ten resources with the usual CRUD shape. */
    static Routing routes() {
        Handler ok = ctx -> "ok";
        Routing r = new Routing();
        for (String p : List.of("/", "/plaintext", "/json", "/health", "/metrics")) {
            r.get(p, ok);
        }
        List<String> resources = List.of("gizmos", "widgets", "customers", "invoices", "payments",
                "shipments", "products", "users", "teams", "reports");
        r.group("/api/v1", api -> {
            for (String res : resources) {
                api.get("/" + res, ok);
                api.post("/" + res, ok);
                api.get("/" + res + "/{id}", ok);
                api.put("/" + res + "/{id}", ok);
            }
            for (String res : List.of("customers", "teams", "users", "products", "reports")) {
                api.get("/" + res + "/{id}/orders/{orderId}", ok);
            }
        });
        return r;
    }

    /** The lookup on the raw path, as the dispatcher does it: one hash lookup for literal routes, else split and walk. */
    @Benchmark
    public RouteTable.Match find() {
        return table.find(method, path);
    }

    /** Lookup plus calling the matched handler (a constant one: this isolates the dispatch, not the work). */
    @Benchmark
    public Object findAndInvoke() throws Exception {
        Route route = table.find(method, path).route();
        return route == null ? null : route.handler().handle(null);
    }
}
