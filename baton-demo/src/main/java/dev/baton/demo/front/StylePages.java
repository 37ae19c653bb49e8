package dev.baton.demo.front;

import dev.baton.Tracing;
import dev.baton.client.ClientResponse;
import dev.baton.client.HttpStatusException;
import dev.baton.context.RequestContext;
import dev.baton.controller.Controller;
import dev.baton.controller.Get;
import dev.baton.demo.catalog.BackendQuery;
import dev.baton.demo.front.StyleActions.StyleRun;
import dev.baton.demo.web.Html;
import dev.baton.demo.web.Page;
import dev.baton.http.HttpException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One page per controller style. Each page calls its JSON twin ({@link StyleActions}) with
 * {@code Baton-Trace: 1} and shows the server's own {@code Server-Timing} thread trace of that
 * request (which thread ran each stage, and for how long) beside the steps the action recorded
 * itself: nothing on the page is a claim, it is what that request did.
 */
@Controller("/styles")
public final class StylePages {

    /** The four styles of CONTROLLERS.md. */
    enum Style {
        VALUE("value", "A value", "public StyleRun value(RequestContext ctx)",
                "The action returns a plain value, so its worker thread blocks in join() for the whole backend call: "
                        + "the action stage holds that thread for the full delay."),
        FUTURE("future", "A future", "public CompletionStage<StyleRun> future(RequestContext ctx)",
                "The action returns the call's future at once: the worker holds the request for a fraction of a "
                        + "millisecond, no thread waits (await), and the event loop that received the answer completes it."),
        RESPONDER("responder", "Begin/end with a Responder", "public void responder(RequestContext ctx, Responder responder)",
                "ASP.NET's IHttpAsyncHandler: the action returns void, its thread is released, and a callback answers "
                        + "later through responder.complete(...), on whichever thread ran the callback."),
        OPERATIONS("operations", "Outstanding operations (AsyncOperations)",
                "public void operations(RequestContext ctx, AsyncOperations ops)",
                "ASP.NET MVC's AsyncController: the action counts three calls with increment(3), each callback stores "
                        + "its result and calls decrement(), and operationsCompleted(...) runs on the thread of the last one.");

        final String slug;
        final String title;
        final String signature;
        final String proves;

        Style(String slug, String title, String signature, String proves) {
            this.slug = slug;
            this.title = title;
            this.signature = signature;
            this.proves = proves;
        }

        static Style of(String slug) {
            return Arrays.stream(values()).filter(s -> s.slug.equals(slug)).findFirst()
                    .orElseThrow(() -> HttpException.notFound("no controller style '" + slug + "'; try value, future, "
                            + "responder or operations"));
        }
    }

    private static final Map<String, String> MEANING = Map.of(
            "accept", "the event loop read, parsed and routed the request",
            "queue", "waiting for a worker (the thread named is the worker that took it)",
            "middleware", "middleware before the action",
            "filter", "the Stopwatch filter: before on the way in, after on the way out",
            "action", "the handler call: binding, filters' before, the action (a blocking call counts here)",
            "await", "no thread: the action's future was pending while the backend worked (its after filter included)",
            "complete", "the response rendered, on the thread that completed the result",
            "write", "the event loop wrote the response");

    private final Outbound outbound;

    public StylePages(Outbound outbound) {
        this.outbound = outbound;
    }

    @Get
    public Page index() {
        StringBuilder b = new StringBuilder("<dl class=\"pages\">");
        for (Style s : Style.values()) {
            b.append("<dt>").append(Html.link("/styles/" + s.slug, s.title)).append("</dt><dd>")
                    .append(Html.escape(s.proves)).append("</dd>");
        }
        b.append("</dl><p>Each page fetches its JSON twin (<code>/styles/value.json</code>...) with ")
                .append("<code>Baton-Trace: 1</code> and shows the server's <code>Server-Timing</code> trace of it.</p>");
        return new Page("Which thread ran what", "The same backend call in the four controller styles, and, from the "
                + "server's own request trace, which thread ran each stage of it.", b.toString());
    }

    @Get("/{style}")
    public CompletionStage<Page> style(String style, RequestContext ctx) {
        Style s = Style.of(style);
        String twin = "/styles/" + s.slug + ".json" + BackendQuery.from(ctx.request()).toQueryString();
        return outbound.self("GET", twin).header(Tracing.HEADER, "1").in(ctx).send().thenApply(res -> {
            if (!res.isSuccess()) {
                throw new HttpStatusException(res, "GET " + twin + " answered " + res.status());
            }
            return render(s, twin, res, ctx.request().headers().first("Host").orElse("localhost"));
        });
    }

    private static Page render(Style s, String twin, ClientResponse res, String host) {
        StyleRun run = res.as(StyleRun.class);
        List<ServerTiming.Entry> trace = ServerTiming.parse(res.headers().all("Server-Timing")).stream()
                .filter(e -> !e.name().equals("stopwatch")).toList();
        // a filter runs inside another stage (the action's handler call, or the await): counted once, there
        double total = trace.stream().filter(e -> !e.name().equals("filter")).mapToDouble(ServerTiming.Entry::millis).sum();
        double idle = trace.stream().filter(e -> e.name().equals("await") || e.name().equals("queue"))
                .mapToDouble(ServerTiming.Entry::millis).sum();
        StringBuilder b = new StringBuilder();
        b.append("<pre>").append(Html.escape(s.signature)).append("</pre>");
        b.append("<h2>The server's trace of <code>GET ").append(Html.escape(twin)).append("</code></h2>");
        b.append("<p>A thread held this request for <strong>").append(ms(total - idle)).append(" ms</strong> of ")
                .append(ms(total)).append(" ms; for ").append(ms(idle))
                .append(" ms it waited with no thread (for a worker, or for the backend).</p>");
        b.append("<p>The server records each stage when it ends, so the rows are in the order the stages ended; the ")
                .append("action's row spans the whole handler call, the filters that ran inside it included.</p>");
        b.append("<div class=\"scroll\"><table><thead><tr><th>#</th><th>stage</th><th>thread</th><th class=\"num\">ms</th>")
                .append("<th>what it is</th></tr></thead><tbody>");
        int i = 1;
        for (ServerTiming.Entry e : trace) {
            boolean noThread = e.name().equals("await");
            b.append(noThread ? "<tr class=\"nothread\">" : "<tr>").append("<td>").append(i++).append("</td><td>")
                    .append(Html.escape(e.name())).append("</td><td><code>").append(Html.escape(e.description()))
                    .append("</code></td><td class=\"num\">").append(ms(e.millis())).append("</td><td>")
                    .append(Html.escape(MEANING.getOrDefault(e.name(), ""))).append("</td></tr>");
        }
        b.append("</tbody></table></div>");
        b.append("<h2>What the action's own code recorded</h2>");
        b.append(Html.table(List.of("#", "step", "thread"), numbered(run.steps()),
                List.of(n -> n.index, n -> n.step.what(), n -> n.step.thread())));
        b.append("<p>").append(run.items()).append(" items from the backend. Reproduce: <code>curl -si -H 'Baton-Trace: 1' ")
                .append(Html.escape("http://" + host + twin)).append("</code> · other styles: ");
        for (Style other : Style.values()) {
            b.append(Html.link("/styles/" + other.slug, other.slug)).append(' ');
        }
        b.append("</p>");
        return new Page(s.title, Html.escape(s.proves), b.toString());
    }

    private record Numbered(int index, StyleActions.Step step) {
    }

    private static List<Numbered> numbered(List<StyleActions.Step> steps) {
        return java.util.stream.IntStream.range(0, steps.size()).mapToObj(i -> new Numbered(i + 1, steps.get(i))).toList();
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, millis < 10 ? "%.2f" : "%.0f", millis);
    }
}
