package dev.baton.client.examples;

import static dev.baton.client.BodyReader.as;

import dev.baton.Server;
import dev.baton.client.FanOut;
import dev.baton.client.HttpClient;
import dev.baton.client.Interceptor;
import java.time.Duration;
import java.util.Map;

/**
 * A page that calls two backends in parallel, inside the request's deadline. Run it and open
 * http://localhost:8080/pages/7 (the "backends" are routes of the same server, for brevity).
 */
public final class GatewayExample {
    record Gizmo(String id, String name) {
    }

    record Stock(String id, int count) {
    }

    record Page(Gizmo gizmo, Stock stock) {
    }

    public static void main(String[] args) {
        HttpClient[] client = new HttpClient[1];
        Server server = Server.builder()
                .config(c -> c.port(8080))
                .routing(r -> {
                    r.get("/gizmos/{id}", ctx -> new Gizmo(ctx.request().path("id").asString(), "sprocket"));
                    r.get("/stock/{id}", ctx -> Map.of("id", ctx.request().path("id").asString(), "count", 42));
                    r.get("/pages/{id}", ctx -> {
                        String id = ctx.request().path("id").asString();
                        return FanOut.of(
                                        () -> client[0].get("http://localhost:8080/gizmos/" + id).in(ctx).send(as(Gizmo.class)),
                                        () -> client[0].get("http://localhost:8080/stock/" + id).in(ctx).send(as(Stock.class)))
                                .thenApply(both -> new Page(both.first(), both.second()));
                    }).timeout(Duration.ofSeconds(2));
                })
                .build();
        client[0] = HttpClient.builder().eventLoops(server.eventLoopGroup()).interceptor(Interceptor.traceContext()).build();
        server.start();
    }
}
