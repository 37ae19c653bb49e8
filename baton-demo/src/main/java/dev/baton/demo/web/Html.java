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
    /**
     * The site's icon, a baton on the accent colour. The pages name it inline ({@link #ICON_LINK}),
     * so a browser does not ask for {@code /favicon.ico}; the route of that name serves it for
     * what has no head to name it in (a JSON document opened in a tab).
     */
    public static final String FAVICON_SVG = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
            + "<rect width='16' height='16' rx='3.5' fill='#3b5bdb'/>"
            + "<path d='M4.5 11.5 11.5 4.5' stroke='#fff' stroke-width='2.6' stroke-linecap='round'/></svg>";
    /** {@code <link rel="icon">} with {@link #FAVICON_SVG} as a data URI: no request at all. */
    public static final String ICON_LINK = "<link rel=\"icon\" href=\"data:image/svg+xml,"
            + FAVICON_SVG.replace("#", "%23").replace("<", "%3C").replace(">", "%3E") + "\">";

    private Html() {
    }

    /** {@code count} and the noun for it: "1 section", "3 sections". */
    public static String plural(long count, String one, String many) {
        return count + " " + (count == 1 ? one : many);
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
                %5$s
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
                """.formatted(escape(page.title()), page.lead(), extra, page.body(), ICON_LINK);
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
