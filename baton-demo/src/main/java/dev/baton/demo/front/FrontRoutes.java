package dev.baton.demo.front;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.demo.web.Html;
import dev.baton.http.Response;
import dev.baton.operations.Operations;
import dev.baton.routing.Routing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The front's functional routes: the index, the shared assets and the numbers. */
public final class FrontRoutes {
    private FrontRoutes() {
    }

    /**
     * @param front the front server, once built (asked only while serving)
     */
    public static void register(Routing r, Outbound outbound, Supplier<Server> front, Operations operations,
                                int workers, int queue) {
        String index = IndexPage.html(outbound.backend(), workers, queue);
        r.get("/", ctx -> Response.ok().html(index)).execution(ExecutionModel.EVENT_LOOP);
        asset(r, "site.css", "text/css; charset=utf-8");
        asset(r, "live.js", "text/javascript; charset=utf-8");
        // the pages name their icon inline; this is for a tab that shows a JSON document (no head to name it in)
        byte[] icon = Html.FAVICON_SVG.getBytes(StandardCharsets.UTF_8);
        r.get("/favicon.ico", ctx -> Response.ok().header("Cache-Control", "max-age=86400").bytes(icon, "image/svg+xml"))
                .execution(ExecutionModel.EVENT_LOOP);
        r.get("/stats/backend", ctx -> outbound.backendStats(ctx).thenApply(res -> Response.of(res.status(),
                res.header("Content-Type").orElse("application/json"), res.bytes())));
        r.get("/stats", ctx -> outbound.backendStats(ctx).handle((res, error) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("front", front.get().stats());
            all.put("client", outbound.client().stats());
            all.put("operations", operations.stats());
            all.put("backend", error != null ? Map.of("error", String.valueOf(error.getMessage()))
                    : res.isSuccess() ? res.as(JsonNode.class) : Map.of("status", res.status()));
            return all;
        }));
    }

    private static void asset(Routing r, String name, String type) {
        byte[] bytes;
        try (InputStream in = FrontRoutes.class.getResourceAsStream("/dev/baton/demo/web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /dev/baton/demo/web/" + name);
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        r.get("/assets/" + name, ctx -> Response.ok().header("Cache-Control", "max-age=300").bytes(bytes, type))
                .execution(ExecutionModel.EVENT_LOOP);
    }
}
