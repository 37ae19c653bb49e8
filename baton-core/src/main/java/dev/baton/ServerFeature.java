package dev.baton;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.routing.Handler;
import dev.baton.routing.Routing;
import java.time.Duration;

/**
 * A module that plugs into a server: it adds routes when the server is built, and takes part in
 * its start and graceful stop. The long-running operations module is one.
 *
 * <pre>{@code Server.builder().feature(Operations.builder().type(report).build()).build().start();}</pre>
 */
public interface ServerFeature {

    /** Adds the feature's routes and hooks, once, while the server is built. */
    void setup(Setup setup);

    /** Called once the server listens. */
    default void start(Server server) {
    }

    /**
     * Called when a graceful stop begins, on a thread of its own, beside the server's own drain:
     * finish or cancel the feature's work within {@code grace}, then return.
     */
    default void stop(Duration grace) {
    }

    /** What a feature may use while the server is built. */
    interface Setup {
        /** The server's top-level routing: routes added here run inside its middleware. */
        Routing routing();

        ServerConfig config();

        /** The server's Jackson mapper. */
        ObjectMapper objectMapper();

        /**
         * Serves the routes marked {@link Routing.RouteSpec#respondAsync()} (or
         * {@code @RespondAsync}): {@code responder} wraps each one's handler, inside its middleware.
         */
        void respondAsync(AsyncResponder responder);
    }

    /** Wraps the handler of a route that may answer {@code Prefer: respond-async} with 202. */
    @FunctionalInterface
    interface AsyncResponder {
        Handler wrap(String method, String pattern, Handler handler);
    }
}
