package dev.baton.demo.web;

import java.util.List;
import java.util.function.Function;

/**
 * The site's layout and the few HTML helpers the pages share: plain Java text blocks, one small
 * stylesheet ({@code /assets/site.css}) and one small script for the live backend counters
 * ({@code /assets/live.js}). No templating library: the pages are small, and a text block shows
 * the HTML exactly as it is sent.
 */
public final class Html {
    private Html() {
    }

    /** Text as HTML text or attribute value. */
    public static String escape(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A whole document: the page in the layout, with {@code extra} (HTML, may be empty) after the lead. */
    public static String document(Page page, String extra) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%1$s · Baton demo</title>
                <link rel="stylesheet" href="/assets/site.css">
                <script src="/assets/live.js" defer></script>
                </head>
                <body>
                <header><nav>
                <a class="brand" href="/">Baton demo</a>
                <a href="/#sample">Sync vs async</a>
                <a href="/#parallel">Parallel</a>
                <a href="/#timeouts">Timeouts</a>
                <a href="/report">Report</a>
                <a href="/styles">Threads</a>
                <a href="/overload">Overload</a>
                <a href="/dashboard">Dashboard</a>
                </nav></header>
                <main>
                <h1>%1$s</h1>
                <p class="lead">%2$s</p>
                %3$s
                %4$s
                </main>
                <footer>
                <p>Backend: <span id="backend-stats" data-live="/stats/backend">calls, in flight, completed, failed and
                cancelled appear here (live, from the backend's <a href="/stats/backend">/api/stats</a>).</span></p>
                </footer>
                </body>
                </html>
                """.formatted(escape(page.title()), page.lead(), extra, page.body());
    }

    /** A table of {@code rows}: a header cell per column, each cell escaped. */
    public static <T> String table(List<String> headers, List<T> rows, List<Function<T, Object>> cells) {
        StringBuilder b = new StringBuilder("<div class=\"scroll\"><table><thead><tr>");
        headers.forEach(h -> b.append("<th>").append(escape(h)).append("</th>"));
        b.append("</tr></thead><tbody>");
        for (T row : rows) {
            b.append("<tr>");
            cells.forEach(c -> b.append("<td>").append(escape(c.apply(row))).append("</td>"));
            b.append("</tr>");
        }
        return b.append("</tbody></table></div>").toString();
    }

    /** {@code <a href="...">text</a>}, both escaped. */
    public static String link(String href, String text) {
        return "<a href=\"" + escape(href) + "\">" + escape(text) + "</a>";
    }
}
