package dev.baton.demo.front;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.demo.web.Html;
import dev.baton.demo.web.Page;
import java.util.Set;

/** The HTML of the report pages. */
final class ReportViews {
    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "canceled");
    private static final String LEAD = "A long-running report as an operation: <code>POST /operations/report</code> "
            + "answers 202 at once, the work goes on without holding a request or a thread, its progress comes as "
            + "Server-Sent Events, a <code>DELETE</code> cancels it, and its URL re-attaches from anywhere.";

    /** Follows the event stream; reloads the page at the end so that the server renders the result. */
    private static final String FOLLOW = """
            <script>
            (function () {
              var box = document.getElementById('op'), bar = document.getElementById('bar');
              if (!box || !window.EventSource) return;
              var es = new EventSource('/operations/' + encodeURIComponent(box.dataset.id) + '/events');
              function show(e) {
                var op = JSON.parse(e.data), pct = op.percentComplete || 0;
                bar.value = pct;
                document.getElementById('pct').textContent = pct + ' %';
                document.getElementById('status').textContent = op.status + (op.cancelRequested ? ' (cancel requested)' : '');
                document.getElementById('msg').textContent = op.message || '';
                if (op.status === 'succeeded' || op.status === 'failed' || op.status === 'canceled') {
                  es.close();
                  location.reload();
                }
              }
              ['status', 'progress', 'succeeded', 'failed', 'canceled'].forEach(function (n) { es.addEventListener(n, show); });
            })();
            </script>
            """;

    private ReportViews() {
    }

    /** {@code host}: where the browser reached the front ({@code Host}), for the curl line. */
    static Page start(JsonNode recent, String host) {
        StringBuilder b = new StringBuilder("""
                <form method="post" action="/report">
                <p><label>Sections <input type="number" name="sections" value="12" min="1" max="50"></label>
                <label>ms per section <input type="number" name="sectionMillis" value="500" min="0" max="5000"></label></p>
                <p><button type="submit">Start a report</button></p>
                </form>
                <p>Each section is one call to the backend, made when the previous one ended. Starting it by hand:
                <code>curl -si -H 'Content-Type: application/json' -d '{"sections":12}' %s</code></p>
                """.formatted(Html.escape("http://" + host + "/operations/report")));
        if (recent != null && recent.isArray() && !recent.isEmpty()) {
            b.append("<h2>Recent reports</h2><ul>");
            for (JsonNode op : recent) {
                String id = op.path("id").asText();
                b.append("<li>").append(Html.link("/report?id=" + ReportPages.encode(id), id)).append(" · ")
                        .append(Html.escape(op.path("status").asText())).append(", ")
                        .append(op.path("percentComplete").asInt()).append(" %</li>");
            }
            b.append("</ul>");
        }
        return new Page("Report", LEAD, b.toString());
    }

    static Page missing(String id) {
        return new Page("No such report", LEAD, "<p class=\"error\">There is no report " + Html.escape(id)
                + " (it never existed, or it finished long enough ago to be forgotten).</p><p>"
                + Html.link("/report", "Start one") + "</p>", 404);
    }

    static Page report(JsonNode op) {
        String id = op.path("id").asText();
        String status = op.path("status").asText();
        int pct = op.path("percentComplete").asInt();
        boolean done = TERMINAL.contains(status);
        StringBuilder b = new StringBuilder();
        b.append("<div id=\"op\" data-id=\"").append(Html.escape(id)).append("\">");
        b.append("<p>Report <code>").append(Html.escape(id)).append("</code>: <strong id=\"status\">")
                .append(Html.escape(status)).append(op.path("cancelRequested").asBoolean() ? " (cancel requested)" : "")
                .append("</strong></p>");
        b.append("<progress id=\"bar\" max=\"100\" value=\"").append(pct).append("\"></progress>");
        b.append("<p><span id=\"pct\">").append(pct).append(" %</span> · <span id=\"msg\">")
                .append(Html.escape(op.path("message").asText(""))).append("</span></p></div>");
        if (!done) {
            b.append("<form class=\"inline\" method=\"post\" action=\"/report/cancel\"><input type=\"hidden\" name=\"id\" value=\"")
                    .append(Html.escape(id)).append("\"><button class=\"secondary\" type=\"submit\">Cancel</button></form> ");
        }
        if (status.equals("succeeded")) {
            b.append(result(op.path("result")));
        } else if (op.hasNonNull("error")) {
            b.append("<p class=\"error\">").append(Html.escape(op.path("error").path("detail").asText(status))).append("</p>");
        }
        b.append("<p>").append(Html.link("/report?id=" + ReportPages.encode(id), "This page"))
                .append(" re-attaches to the report from any tab · ")
                .append(Html.link("/operations/" + ReportPages.encode(id), "its JSON")).append(" · ")
                .append(Html.link("/operations/" + ReportPages.encode(id) + "/events", "its event stream")).append(" · ")
                .append(Html.link("/report", "start another")).append("</p>");
        if (!done) {
            b.append(FOLLOW);
        }
        return new Page("Report", LEAD, b.toString());
    }

    private static String result(JsonNode report) {
        StringBuilder b = new StringBuilder("<h2>Result</h2><p>")
                .append(Html.plural(report.path("sections").asInt(), "section", "sections")).append(", ")
                .append(Html.plural(report.path("items").asInt(), "item", "items")).append(" worth ")
                .append(money(report.path("value"))).append(", in ")
                .append(report.path("millis").asLong()).append(" ms.</p>");
        b.append("<div class=\"scroll\"><table><thead><tr><th>#</th><th>list</th><th class=\"num\">items</th>")
                .append("<th class=\"num\">value</th></tr></thead><tbody>");
        for (JsonNode s : report.path("lines")) {
            b.append("<tr><td>").append(s.path("number").asInt()).append("</td><td>").append(Html.escape(s.path("resource").asText()))
                    .append("</td><td class=\"num\">").append(s.path("items").asInt()).append("</td><td class=\"num\">")
                    .append(money(s.path("value"))).append("</td></tr>");
        }
        return b.append("</tbody></table></div>").toString();
    }

    private static String money(JsonNode amount) {
        return amount.isNumber() ? amount.decimalValue().setScale(2, java.math.RoundingMode.HALF_UP).toPlainString()
                : Html.escape(amount.asText());
    }
}
