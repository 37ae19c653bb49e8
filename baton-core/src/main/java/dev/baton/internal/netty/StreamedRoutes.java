package dev.baton.internal.netty;

import dev.baton.internal.routing.RouteTable;
import dev.baton.routing.Route;
import java.util.List;

/**
 * Which requests stream their body to the handler, by method and target, for the decoding
 * stages that must know before the handler runs: the scanner (whose limit applies) and the
 * aggregator (whether to aggregate). Costs nothing while no route streams.
 */
final class StreamedRoutes {
    static final StreamedRoutes NONE = new StreamedRoutes(null);

    /** The routes, when at least one streams; else null. */
    private final RouteTable table;

    private StreamedRoutes(RouteTable table) {
        this.table = table;
    }

    static StreamedRoutes of(RouteTable table, List<Route> routes) {
        return routes.stream().anyMatch(r -> r.streamedBodyLimit() > 0) ? new StreamedRoutes(table) : NONE;
    }

    /** The route's streamed body limit, or 0 when the body is aggregated (no route, or a target that does not parse). */
    long streamLimit(String method, String target) {
        if (table == null) {
            return 0;
        }
        try {
            Route route = table.find(method, RequestTarget.parse(method, target).rawPath()).route();
            return route == null ? 0 : route.streamedBodyLimit();
        } catch (IllegalArgumentException e) {
            return 0; // the dispatcher refuses it with a 400
        }
    }

    /** The largest body a request may send: its streaming route's limit, else {@code aggregated}. */
    long maxBodySize(String method, String target, long aggregated) {
        long streamed = streamLimit(method, target);
        return streamed > 0 ? streamed : aggregated;
    }

    boolean any() {
        return table != null;
    }
}
