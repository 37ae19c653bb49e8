package dev.baton.micrometer;

import dev.baton.http.Response;
import dev.baton.routing.Handler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.Objects;

/**
 * A Prometheus scrape endpoint as a route handler: the registry in the Prometheus text format
 * ({@value #TEXT}), or in OpenMetrics ({@value #OPEN_METRICS}) when the scraper's
 * {@code Accept} prefers it, as Prometheus itself does.
 *
 * <pre>{@code routing.get("/metrics", PrometheusRoute.of(registry));}</pre>
 *
 * <p>A scrape formats every meter: run the route on a worker or, better, a virtual thread
 * ({@code .execution(ExecutionModel.VIRTUAL)}), which keeps it answering while an overload fills
 * the worker pool and its queue; never on the event loop.
 */
public final class PrometheusRoute {
    /** The Prometheus text exposition format. */
    public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The OpenMetrics text format. */
    public static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private PrometheusRoute() {
    }

    public static Handler of(PrometheusMeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return ctx -> {
            String type = prefersOpenMetrics(String.join(",", ctx.request().headers().all("Accept"))) ? OPEN_METRICS : TEXT;
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
            registry.scrape(out, type);
            return Response.ok().header("Cache-Control", "no-store").bytes(out.toByteArray(), type);
        };
    }

    /**
     * True when {@code accept} weighs OpenMetrics above zero and no lower than the text format
     * (RFC 9110 12.5.1 quality values; a {@code *}{@code /*} alone means the text format).
     */
    static boolean prefersOpenMetrics(String accept) {
        double openMetrics = 0;
        double text = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (type.equals("application/openmetrics-text")) {
                openMetrics = Math.max(openMetrics, q);
            } else if (type.equals("text/plain")) {
                text = Math.max(text, q);
            }
        }
        return openMetrics > 0 && openMetrics >= text;
    }
}
