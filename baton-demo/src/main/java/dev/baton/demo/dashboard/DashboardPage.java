package dev.baton.demo.dashboard;

import dev.baton.ServerStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard's page: {@code dashboard.html} beside this class, with the numbers of the moment
 * rendered in, so that it reads before its script has run; the script then keeps it live.
 */
final class DashboardPage {
    private static final String TEMPLATE = read();

    private DashboardPage() {
    }

    /**
     * {@code own}: the dashboard's requests in flight (this page's and the open pages' streams), left
     * out of the in-flight figure; {@code path}: the page's own path, under which group prefix the
     * links beside it are.
     */
    static String render(UplotAssets uplot, ServerStats s, long own, String path) {
        String base = path.endsWith("/dashboard") ? path.substring(0, path.length() - "/dashboard".length()) : "";
        ServerStats.SafetyNets n = s.safetyNets();
        return TEMPLATE
                .replace("{{UPLOT_CSS}}", escape(base + uplot.path("uPlot.min.css")))
                .replace("{{UPLOT_JS}}", escape(base + uplot.path("uPlot.iife.min.js")))
                .replace("{{UPLOT_VERSION}}", escape(uplot.version()))
                .replace("{{METRICS_PATH}}", escape(base + "/metrics"))
                .replace("{{IN_FLIGHT}}", Long.toString(Math.max(0, s.inFlight() - own)))
                .replace("{{QUEUED}}", Long.toString(s.queued()))
                .replace("{{WORKERS_BUSY}}", Integer.toString(s.workersBusy()))
                .replace("{{WORKERS}}", Integer.toString(s.workerThreads()))
                .replace("{{REJECTED}}", Long.toString(s.rejected()))
                .replace("{{TIMED_OUT}}", Long.toString(s.timedOut()))
                .replace("{{DISCONNECTS}}", Long.toString(s.clientDisconnects()))
                .replace("{{SAFETY_NETS}}", Long.toString(n.pendingAtCompletion() + n.asyncInSyncStage()
                        + n.blockedEventLoop() + n.fakeAsync() + n.virtualThreadPinned()))
                .replace("{{ROUTE_ROWS}}", rows(s.routes()))
                .replace("{{UNCALLED}}", Long.toString(s.routes().values().stream().filter(r -> r.count() == 0).count()));
    }

    /** A row per route that has served requests, busiest first, as the script draws them (hiding the others). */
    private static String rows(Map<String, ServerStats.RouteStats> routes) {
        StringBuilder html = new StringBuilder();
        routes.entrySet().stream()
                .filter(e -> e.getValue().count() > 0)
                .sorted(Comparator.comparingLong((Map.Entry<String, ServerStats.RouteStats> e) -> e.getValue().count()).reversed())
                .forEach(e -> {
                    ServerStats.RouteStats r = e.getValue();
                    double ratio = Math.max(0, Math.min(1, r.threadHoldRatio()));
                    html.append("<tr data-route=\"").append(escape(e.getKey())).append("\"><td><code>")
                            .append(escape(e.getKey())).append("</code></td><td>–</td><td>").append(r.count())
                            .append("</td><td>").append(r.errors()).append("</td><td>").append(millis(r.meanMillis()))
                            .append("</td><td>").append(millis(r.p50Millis())).append("</td><td>")
                            .append(millis(r.p99Millis())).append("</td><td><div class=\"hold\"><span>")
                            .append(r.count() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", ratio))
                            .append("</span><div class=\"bar\"><i style=\"width:")
                            .append(String.format(Locale.ROOT, "%.1f%%;background:hsl(%d 70%% 45%%)", ratio * 100,
                                    Math.round(140 - 140 * ratio)))
                            .append("\"></i></div></div></td></tr>\n");
                });
        return html.toString();
    }

    private static String millis(double ms) {
        return String.format(Locale.ROOT, "%.2f", ms);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Loads the template now (the first render would otherwise). */
    static void load() {
        // the class's initialization reads it
    }

    private static String read() {
        try (InputStream in = DashboardPage.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard.html is missing beside " + DashboardPage.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
