package dev.baton.bench.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The report of {@code ./baton experiment}: reads the raw rows that {@code bench/experiment.sh}
 * wrote and writes {@code report.md} (tables) and {@code report.html} (the same tables and uPlot
 * charts, uPlot's script and style inlined from its WebJar so that the file opens from disk).
 *
 * <pre>{@code java -cp bench/target/baton-bench.jar dev.baton.bench.experiment.ExperimentReport RAW-FILE OUT-DIR}</pre>
 *
 * <p>Raw rows, one per line, {@code key=value} separated by spaces: {@code ROW} (one wrk run: a
 * ramp step or the burst), {@code MEM} (the live heap after a full GC, idle or while wrk holds
 * N users), {@code PRE} (the front before the burst); {@code #} lines are the run's header.
 */
public final class ExperimentReport {
    private static final List<String> ORDER = List.of("SYNC", "ASYNC", "VIRTUAL");
    private static final double NOISE_BYTES = 2 * 1048576;
    private static final Map<String, String> COLORS = Map.of("SYNC", "#d62728", "ASYNC", "#2ca02c", "VIRTUAL", "#1f77b4");
    private static final Map<String, String> WHAT = Map.of(
            "SYNC", "/Gizmos on the worker pool: the worker blocks on the backend call",
            "ASYNC", "/GizmosAsync on the same pool: the action returns the call's future",
            "VIRTUAL", "/Gizmos on virtual threads: a virtual thread blocks on the call");

    private ExperimentReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ExperimentReport RAW-FILE OUT-DIR");
            System.exit(2);
        }
        Path raw = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Run run = Run.parse(Files.readAllLines(raw, StandardCharsets.UTF_8));
        Files.createDirectories(out);
        Path md = out.resolve("report.md");
        Path html = out.resolve("report.html");
        Files.writeString(md, markdown(run), StandardCharsets.UTF_8);
        Files.writeString(html, html(run), StandardCharsets.UTF_8);
        System.out.print(markdownTables(run));
        System.out.println();
        System.out.println("experiment: raw rows  " + raw.toAbsolutePath());
        System.out.println("experiment: table     " + md.toAbsolutePath());
        System.out.println("experiment: report    " + html.toAbsolutePath() + "  (open it from disk: uPlot is inlined)");
    }

    // --- the rows -------------------------------------------------------------------------------------

    /** One raw line's {@code key=value} pairs. */
    record Row(String kind, Map<String, String> v) {
        static Row parse(String line) {
            String[] parts = line.trim().split(" +");
            Map<String, String> v = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    v.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
                }
            }
            return new Row(parts[0], v);
        }

        String s(String key) {
            return v.getOrDefault(key, "");
        }

        double d(String key) {
            try {
                return Double.parseDouble(v.getOrDefault(key, "nan"));
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        boolean is(String key, String value) {
            return value.equals(v.get(key));
        }
    }

    /** Everything of one run, by model. */
    record Run(List<String> header, Map<String, String> settings, List<String> models, List<Row> rows) {
        static Run parse(List<String> lines) {
            List<String> header = new ArrayList<>();
            Map<String, String> settings = new LinkedHashMap<>();
            List<Row> rows = new ArrayList<>();
            for (String line : lines) {
                if (line.startsWith("#")) {
                    header.add(line.substring(1).trim());
                    if (line.contains(" models=")) {
                        settings.putAll(Row.parse("S " + line.substring(1).trim()).v());
                    }
                } else if (line.startsWith("ROW ") || line.startsWith("MEM ") || line.startsWith("PRE ")) {
                    rows.add(Row.parse(line));
                }
            }
            List<String> models = new ArrayList<>();
            for (String m : ORDER) {
                if (rows.stream().anyMatch(r -> r.is("model", m))) {
                    models.add(m);
                }
            }
            return new Run(header, settings, models, rows);
        }

        List<Row> ramp(String model) {
            return rows.stream().filter(r -> r.kind().equals("ROW") && r.is("model", model) && r.is("phase", "ramp"))
                    .sorted((a, b) -> Double.compare(a.d("conns"), b.d("conns"))).toList();
        }

        Row burst(String model) {
            return first("ROW", model, "phase", "burst");
        }

        Row pre(String model) {
            return first("PRE", model, "phase", "burst");
        }

        Row idle(String model) {
            return first("MEM", model, "kind", "idle");
        }

        List<Row> holds(String model) {
            return rows.stream().filter(r -> r.kind().equals("MEM") && r.is("model", model) && r.is("kind", "hold"))
                    .sorted((a, b) -> Double.compare(a.d("conns"), b.d("conns"))).toList();
        }

        private Row first(String kind, String model, String key, String value) {
            return rows.stream().filter(r -> r.kind().equals(kind) && r.is("model", model) && r.is(key, value))
                    .findFirst().orElse(null);
        }

        double delayMs() {
            try {
                return Double.parseDouble(settings.getOrDefault("backend_delay_ms", "500"));
            } catch (NumberFormatException e) {
                return 500;
            }
        }

        String setting(String key, String fallback) {
            return settings.getOrDefault(key, fallback);
        }
    }

    // --- the tables -----------------------------------------------------------------------------------

    /** A table: a header and rows of cells, rendered as markdown or HTML. */
    record Table(String title, String note, List<String> head, List<List<String>> rows) {
        String markdown() {
            StringBuilder b = new StringBuilder("### " + title + "\n\n");
            if (!note.isEmpty()) {
                b.append(note).append("\n\n");
            }
            b.append("| ").append(String.join(" | ", head)).append(" |\n|");
            b.append("---|".repeat(head.size())).append('\n');
            for (List<String> r : rows) {
                b.append("| ").append(String.join(" | ", r)).append(" |\n");
            }
            return b.append('\n').toString();
        }

        String html() {
            StringBuilder b = new StringBuilder("<h3>" + esc(title) + "</h3>\n");
            if (!note.isEmpty()) {
                b.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
            }
            b.append("<table><thead><tr>");
            head.forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
            b.append("</tr></thead><tbody>\n");
            for (List<String> r : rows) {
                b.append("<tr>");
                r.forEach(c -> b.append("<td>").append(esc(c.replace("**", ""))).append("</td>"));
                b.append("</tr>\n");
            }
            return b.append("</tbody></table>\n").toString();
        }
    }

    static List<Table> tables(Run run) {
        return List.of(summary(run), ramp(run), burst(run), memory(run));
    }

    static Table summary(Run run) {
        List<List<String>> rows = new ArrayList<>();
        String top = "";
        for (String m : run.models()) {
            List<Row> ramp = run.ramp(m);
            Row last = ramp.isEmpty() ? null : ramp.getLast();
            Row best = ramp.stream().max((a, b) -> Double.compare(a.d("ok_rps"), b.d("ok_rps"))).orElse(null);
            Row burst = run.burst(m);
            top = last == null ? top : last.s("conns");
            double n503 = ramp.stream().mapToDouble(r -> r.d("n503")).sum();
            double errors = ramp.stream().mapToDouble(ExperimentReport::errors).sum();
            List<Row> all = new ArrayList<>(ramp);
            if (burst != null) {
                all.add(burst);
            }
            double threads = all.stream().mapToDouble(r -> r.d("peak_threads")).max().orElse(Double.NaN);
            double rss = all.stream().mapToDouble(r -> r.d("peak_rss_kb")).max().orElse(Double.NaN) / 1024;
            Row idle = run.idle(m);
            // per pending request: from the largest hold whose users were all pending (none refused), and
            // whose difference is well above the noise of two full-GC readings (a few hundred KB)
            Row full = run.holds(m).stream().filter(h -> h.d("in_flight_before") >= 0.9 * h.d("conns")
                            && delta(idle, h) >= NOISE_BYTES)
                    .max((a, b) -> Double.compare(a.d("in_flight_before"), b.d("in_flight_before"))).orElse(null);
            Row biggest = run.holds(m).isEmpty() ? null : run.holds(m).getLast();
            rows.add(List.of(
                    "**" + m + "**",
                    best == null ? "-" : f0(best.d("ok_rps")) + " (" + best.s("conns") + ")",
                    last == null ? "-" : f0(last.d("ok_rps")),
                    last == null ? "-" : f0(last.d("ok_p50_ms")) + " / " + f0(last.d("ok_p99_ms")),
                    f0(n503) + (errors > 0 ? ", errors " + f0(errors) : ""),
                    burst == null ? "-" : f0(burst.d("ok_rps")) + ", " + f0(burst.d("ok_p50_ms")) + " / "
                            + f0(burst.d("ok_p99_ms")) + " ms, 503s " + f0(burst.d("n503"))
                            + (errors(burst) > 0 ? ", errors " + f0(errors(burst)) : ""),
                    (idle == null ? "?" : f0(idle.d("threads"))) + " → " + f0(threads),
                    (idle == null ? "?" : f0(idle.d("rss_kb") / 1024)) + " → " + f0(rss),
                    full == null ? "not measurable (at most " + f0(run.holds(m).stream().mapToDouble(h -> h.d("in_flight_before"))
                            .max().orElse(0)) + " pending)" : kb(perPendingBytes(idle, full)) + " (" + f0(full.d("in_flight_before")) + ")",
                    biggest == null ? "-" : kb(delta(idle, biggest) / biggest.d("conns"))
                            + " (" + f0(biggest.d("in_flight_before")) + " of " + biggest.s("conns") + ")"));
        }
        return new Table("Per model", "2xx answers only in req/s and latency; users = wrk connections, each with one "
                + "request at a time. Heap per pending request = (live heap with N users held - idle live heap) / "
                + "requests in flight then, from the largest hold where at least 90 % of the users were in flight and "
                + "the difference is over 2 MB (two full-GC readings differ by a few hundred KB); heap per user = the "
                + "same difference / users, at the largest hold (refused users keep a connection).",
                List.of("model", "best 2xx req/s (at users)", "2xx req/s at " + top + " users",
                        "p50 / p99 ms at " + top, "503s over the ramp", "burst " + run.setting("burst", "") + ": 2xx req/s, p50 / p99, 503s",
                        "OS threads idle → peak", "RSS MB idle → peak", "heap per pending request (held)",
                        "heap per user, most users held (in flight)"),
                rows);
    }

    static Table ramp(Run run) {
        List<List<String>> rows = new ArrayList<>();
        double delay = run.delayMs();
        for (String m : run.models()) {
            for (Row r : run.ramp(m)) {
                rows.add(stepCells(m, r, delay));
            }
        }
        return new Table("The ramp", "Each step " + run.setting("step_s", "?") + " s of wrk -t1 -cUSERS --timeout "
                + run.setting("wrk_timeout_s", "?") + "s, the users' first requests spread over one backend delay; "
                + "ceiling = users / backend delay; latency of 2xx answers; "
                + "server CPU = front + backend JVMs, % of their one core; ~ marks 2xx percentiles that may be "
                + "off (another status came back, or a 503 took nearly as long as the backend).", stepHead(), rows);
    }

    static Table burst(Run run) {
        List<List<String>> rows = new ArrayList<>();
        double delay = run.delayMs();
        for (String m : run.models()) {
            Row b = run.burst(m);
            if (b != null) {
                List<String> cells = new ArrayList<>(stepCells(m, b, delay));
                Row pre = run.pre(m);
                cells.set(cells.size() - 2, (pre == null ? "?" : f0(pre.d("rss_kb") / 1024)) + " → " + f0(b.d("peak_rss_kb") / 1024));
                cells.set(cells.size() - 3, (pre == null ? "?" : f0(pre.d("threads"))) + " → " + f0(b.d("peak_threads")));
                rows.add(cells);
            }
        }
        List<String> head = new ArrayList<>(stepHead());
        head.set(head.size() - 3, "threads before → peak");
        head.set(head.size() - 2, "RSS MB before → peak");
        return new Table("The burst: from idle to " + run.setting("burst", "?") + " users at once",
                run.setting("burst_s", "?") + " s of wrk -t1 -c" + run.setting("burst", "?")
                        + " after 3 s of idle: every connection opened and every first request sent at once (wrk "
                        + "starts a request's clock once its connection is up).", head, rows);
    }

    private static List<String> stepHead() {
        return List.of("model", "users", "2xx req/s", "ceiling", "p50 ms", "p90 ms", "p99 ms", "503/s",
                "errors c/r/t", "peak in flight", "peak threads", "peak RSS MB", "server CPU %");
    }

    private static List<String> stepCells(String m, Row r, double delay) {
        double secs = r.d("secs") > 0 ? r.d("secs") : r.d("dur_s");
        double cpu = (r.d("front_cpu_s") + r.d("backend_cpu_s")) / r.d("dur_s") * 100;
        String other = r.d("other") > 0 ? " (+" + f0(r.d("other")) + " other: " + r.s("statuses") + ")" : "";
        // the 2xx percentiles assume every 503 came back before every 2xx (see the wrk script): "~" when unsure
        String approx = r.d("other") > 0 || (r.d("n503") > 0 && r.d("first_ok_ms") < 0.9 * delay) ? " ~" : "";
        return List.of(m, r.s("conns"), f0(r.d("ok_rps")), f0(r.d("conns") * 1000 / delay),
                f0(r.d("ok_p50_ms")) + approx, f0(r.d("ok_p90_ms")) + approx, f0(r.d("ok_p99_ms")) + approx,
                f0(r.d("n503") / secs) + other,
                f0(r.d("err_connect")) + "/" + f0(r.d("err_read")) + "/" + f0(r.d("err_timeout")),
                f0(r.d("peak_in_flight")), f0(r.d("peak_threads")), f0(r.d("peak_rss_kb") / 1024), f0(cpu));
    }

    static Table memory(Run run) {
        List<List<String>> rows = new ArrayList<>();
        for (String m : run.models()) {
            Row idle = run.idle(m);
            if (idle != null) {
                rows.add(List.of(m, "0 (idle)", "0", mb(idle.d("heap_live_b")), "-", "-", "-",
                        f0(idle.d("rss_kb") / 1024), f0(idle.d("threads")), f0(idle.d("gc_ms"))));
            }
            for (Row h : run.holds(m)) {
                double delta = delta(idle, h);
                rows.add(List.of(m, h.s("conns"), f0(h.d("in_flight_before")), mb(h.d("heap_live_b")), mb(delta),
                        kb(perPendingBytes(idle, h)), kb(delta / h.d("conns")),
                        f0(h.d("rss_kb") / 1024), f0(h.d("threads")), f0(h.d("gc_ms"))));
            }
        }
        return new Table("Memory per pending request", "wrk holds N users (" + run.setting("hold_s", "?") + " s, first "
                + "requests spread over one backend delay, as in the ramp); at 60 % "
                + "of the run the front does a full GC (System.gc(), ParallelGC) and reports the heap still in use and "
                + "the requests in flight; Δ is against a full GC of the idle front just before the hold. Per pending "
                + "request = Δ / in flight; per user = Δ / N (a user's connection costs too, even when its request is "
                + "refused). Below 2 MB, Δ is mostly noise.",
                List.of("model", "users held", "in flight", "live heap MB", "Δ vs idle MB", "per pending request",
                        "per user", "RSS MB", "OS threads", "GC ms"), rows);
    }

    /** Live heap with the users held minus the idle live heap just before (the run's first idle one for old rows). */
    static double delta(Row idle, Row hold) {
        double base = hold.d("base_heap_live_b") > 0 ? hold.d("base_heap_live_b") : idle == null ? Double.NaN : idle.d("heap_live_b");
        return hold.d("heap_live_b") - base;
    }

    private static double perPendingBytes(Row idle, Row hold) {
        return hold.d("in_flight_before") <= 0 ? Double.NaN : delta(idle, hold) / hold.d("in_flight_before");
    }

    private static double errors(Row r) {
        return r.d("err_connect") + r.d("err_read") + r.d("err_write") + r.d("err_timeout");
    }

    // --- markdown ---------------------------------------------------------------------------------------

    static String markdownTables(Run run) {
        StringBuilder b = new StringBuilder();
        tables(run).forEach(t -> b.append(t.markdown()));
        return b.toString();
    }

    static String markdown(Run run) {
        StringBuilder b = new StringBuilder("# Baton experiment: a small worker pool, sync against async against virtual\n\n");
        b.append("```\n");
        run.header().forEach(h -> b.append(h).append('\n'));
        b.append("```\n\n");
        for (String m : run.models()) {
            b.append("* **").append(m).append("**: ").append(WHAT.get(m)).append('\n');
        }
        b.append('\n').append(markdownTables(run));
        b.append("Charts: report.html (next to this file). How to read them: bench/RESULTS.md, \"The experiment\".\n");
        return b.toString();
    }

    // --- HTML ---------------------------------------------------------------------------------------------

    static String html(Run run) {
        TreeSet<Integer> xs = new TreeSet<>();
        run.models().forEach(m -> run.ramp(m).forEach(r -> xs.add((int) r.d("conns"))));
        List<Integer> x = List.copyOf(xs);
        StringBuilder charts = new StringBuilder();
        StringBuilder js = new StringBuilder();
        double delay = run.delayMs();
        chart(run, x, charts, js, "rps", "2xx answers per second", "req/s (log)", true,
                r -> r.d("ok_rps"), "ceiling: users / " + f0(delay) + " ms", u -> u * 1000 / delay);
        chart(run, x, charts, js, "p99", "p99 latency of 2xx answers (p50 dashed)", "ms", false,
                r -> r.d("ok_p99_ms"), null, null);
        chart(run, x, charts, js, "rej", "503 answers per second", "503/s", false,
                r -> r.d("n503") / Math.max(1e-9, r.d("secs")), null, null);
        chart(run, x, charts, js, "thr", "Peak OS threads of the front JVM", "threads", false,
                r -> r.d("peak_threads"), null, null);
        chart(run, x, charts, js, "rss", "Peak RSS of the front JVM", "MB", false,
                r -> r.d("peak_rss_kb") / 1024, null, null);
        chart(run, x, charts, js, "inf", "Peak requests in flight in the front", "requests", false,
                r -> r.d("peak_in_flight"), null, null);

        StringBuilder tables = new StringBuilder();
        tables(run).forEach(t -> tables.append(t.html()));
        StringBuilder legend = new StringBuilder("<ul>");
        for (String m : run.models()) {
            legend.append("<li><span class=\"sw\" style=\"background:").append(COLORS.get(m)).append("\"></span><b>")
                    .append(m).append("</b>: ").append(esc(WHAT.get(m))).append("</li>");
        }
        legend.append("</ul>");
        String header = String.join("\n", run.header());
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <title>Baton experiment: sync, async, virtual</title>
                <style>%s</style>
                <style>
                body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1240px;color:#222;padding:0 16px}
                h1{font-size:22px} h2{font-size:18px;margin-top:28px} h3{font-size:15px;margin-top:22px}
                pre{background:#f5f5f5;padding:8px;font-size:12px;overflow-x:auto;white-space:pre-wrap}
                .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(580px,1fr));gap:12px}
                .card{border:1px solid #ddd;border-radius:6px;padding:8px}
                table{border-collapse:collapse;font-size:12.5px;margin:6px 0} td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}
                td:first-child,th:first-child{text-align:left} th{background:#f3f3f3}
                .sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px;border-radius:2px}
                .note{color:#555;font-size:13px}
                </style></head><body>
                <h1>Baton experiment: a small worker pool, sync against async against virtual</h1>
                %s
                <p class="note">x axis: concurrent users (wrk connections, one request at a time each, the first
                requests spread over one backend delay), log scale. Each user's page waits for the backend (%s ms).
                A user who gets a 503 waits Retry-After (1 s) before trying again unless the run says retry_after=0.
                How to read: bench/RESULTS.md, "The experiment".</p>
                <div class="grid">%s</div>
                <h2>Figures</h2>
                %s
                <h2>The run</h2>
                <pre>%s</pre>
                <script>%s</script>
                <script>
                const X = %s;
                function draw(id, title, yLabel, log, series, data) {
                  const el = document.getElementById(id);
                  new uPlot({
                    title: title, width: Math.min(600, el.clientWidth || 600), height: 300,
                    scales: { x: { time: false, distr: 3, log: 2 }, y: log ? { distr: 3, log: 10 } : { range: (u, lo, hi) => [0, hi * 1.08 || 1] } },
                    axes: [ { label: "concurrent users" }, { label: yLabel, size: 60 } ],
                    series: [ { label: "users" } ].concat(series),
                    legend: { live: true }
                  }, [X].concat(data), el);
                }
                %s
                </script>
                </body></html>
                """.formatted(uplot("uPlot.min.css"), legend, f0(delay), charts, tables, esc(header),
                uplot("uPlot.iife.min.js").replaceAll("(?i)</script", "<\\\\/script"), x, js);
    }

    /** One chart: a series per model over the ramp (and, for p99, each model's p50 dashed). */
    private static void chart(Run run, List<Integer> x, StringBuilder charts, StringBuilder js, String id, String title,
                              String yLabel, boolean log, Function<Row, Double> value, String refLabel,
                              Function<Double, Double> ref) {
        charts.append("<div class=\"card\"><div id=\"").append(id).append("\"></div></div>\n");
        List<String> series = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (String m : run.models()) {
            Map<Integer, Row> byX = new LinkedHashMap<>();
            run.ramp(m).forEach(r -> byX.put((int) r.d("conns"), r));
            series.add("{label:'" + m + "',stroke:'" + COLORS.get(m) + "',width:2,points:{size:6}}");
            data.add(values(x, byX, value, log));
            if (id.equals("p99")) {
                series.add("{label:'" + m + " p50',stroke:'" + COLORS.get(m) + "',width:1,dash:[5,4],points:{size:4}}");
                data.add(values(x, byX, r -> r.d("ok_p50_ms"), false));
            }
        }
        if (ref != null) {
            series.add("{label:'" + refLabel + "',stroke:'#999',width:1,dash:[3,3],points:{show:false}}");
            List<String> v = new ArrayList<>();
            x.forEach(u -> v.add(num(ref.apply((double) u))));
            data.add("[" + String.join(",", v) + "]");
        }
        js.append("draw('").append(id).append("', '").append(title.replace("'", "\\'")).append("', '").append(yLabel)
                .append("', ").append(log).append(", [").append(String.join(",", series)).append("], [")
                .append(String.join(",", data)).append("]);\n");
    }

    private static String values(List<Integer> x, Map<Integer, Row> byX, Function<Row, Double> value, boolean log) {
        List<String> v = new ArrayList<>();
        for (Integer u : x) {
            Row r = byX.get(u);
            double d = r == null ? Double.NaN : value.apply(r);
            v.add(Double.isNaN(d) || (log && d <= 0) ? "null" : num(d));
        }
        return "[" + String.join(",", v) + "]";
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    /** A file of uPlot's WebJar, read from the class path (the version its pom.properties names). */
    static String uplot(String file) {
        Properties pom = new Properties();
        try (InputStream in = resource("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            pom.load(in);
            try (InputStream f = resource("META-INF/resources/webjars/uplot/" + pom.getProperty("version") + "/dist/" + file)) {
                return new String(f.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ExperimentReport.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing " + name + " on the class path (the WebJar org.webjars.npm:uplot)");
        }
        return in;
    }

    // --- numbers --------------------------------------------------------------------------------------

    static String f0(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "-" : String.format(Locale.ROOT, "%,.0f", d);
    }

    static String mb(double bytes) {
        return Double.isNaN(bytes) ? "-" : String.format(Locale.ROOT, "%.1f", bytes / 1048576);
    }

    static String kb(double bytes) {
        return Double.isNaN(bytes) || Double.isInfinite(bytes) ? "-" : String.format(Locale.ROOT, "%.1f KB", bytes / 1024);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
