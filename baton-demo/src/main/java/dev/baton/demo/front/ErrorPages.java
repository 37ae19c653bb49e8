package dev.baton.demo.front;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Server;
import dev.baton.client.ClientTimeoutException;
import dev.baton.client.ConnectFailedException;
import dev.baton.client.HttpClientException;
import dev.baton.client.HttpStatusException;
import dev.baton.context.RequestContext;
import dev.baton.demo.web.Html;
import dev.baton.demo.web.Page;
import dev.baton.demo.web.Stopwatch;
import dev.baton.http.HttpException;
import dev.baton.http.Problem;
import dev.baton.http.RequestTimeoutException;
import dev.baton.http.Response;
import dev.baton.http.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's own error pages, as exception mappers (ASP.NET's {@code [HandleError]}): a
 * timeout renders the "timed out" page (504), a failed backend call the "backend failed" page
 * (502, or 504 when the backend was too slow for the call's own timeout), and a 404 asked for by
 * a browser (which accepts {@code text/html}) the "not found" page. Routes that answer JSON
 * ({@code *.json}, {@code /stats}, {@code /operations}) keep problem+json, and so does any other
 * client of a 404.
 */
public final class ErrorPages {
    private static final ObjectMapper json = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);

    private ErrorPages() {
    }

    /** Registers the mappers on the front server's builder. */
    public static Server.Builder register(Server.Builder builder) {
        return builder.exceptionMapper(RequestTimeoutException.class, ErrorPages::timedOut)
                .exceptionMapper(HttpClientException.class, ErrorPages::backendFailed)
                .exceptionMapper(HttpException.class, ErrorPages::notFound);
    }

    /**
     * A 404 for a browser: the "not found" page, as {@code /report?id=} has its own. Anything else
     * gets the problem+json the server would have answered without this mapper.
     */
    static Response notFound(HttpException e, RequestContext ctx) {
        if (e.status() != 404 || !isPage(ctx) || !acceptsHtml(ctx.request().headers().first("Accept").orElse(""))) {
            if (e.status() >= 500) {
                log.warn("{} answered {}: {}", ctx.route(), e.status(), e.getMessage()); // as the server's own mapping does
            }
            return problem(e.status(), e.getMessage(), ctx);
        }
        String path = ctx.request().path();
        int slash = path.lastIndexOf('/');
        String up = slash > 0 ? path.substring(0, slash) : "/";
        Page page = new Page("Not found", "<span class=\"badge bad\">404</span> " + Html.escape(e.getMessage()) + ".",
                "<p>There is no page at <code>" + Html.escape(path) + "</code>. " + Html.link(up, up) + " · "
                        + Html.link("/", "the demo's index") + "</p>", 404);
        return Response.status(404).html(Html.document(page, Stopwatch.badge(ctx)));
    }

    /**
     * Whether an {@code Accept} header takes {@code text/html} (by name, not by a wildcard: a
     * browser names it, a JSON client does not), with a quality above 0.
     */
    static boolean acceptsHtml(String accept) {
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            if (!parts[0].strip().equalsIgnoreCase("text/html")) {
                continue;
            }
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip();
                if (p.regionMatches(true, 0, "q=", 0, 2)) {
                    try {
                        q = Double.parseDouble(p.substring(2).strip());
                    } catch (NumberFormatException bad) {
                        q = 0;
                    }
                }
            }
            if (q > 0) {
                return true;
            }
        }
        return false;
    }

    static Response timedOut(RequestTimeoutException e, RequestContext ctx) {
        return timedOut(ctx, "its <strong>" + e.timeout().toMillis() + " ms</strong> timeout (it had run "
                + e.elapsed().toMillis() + " ms)");
    }

    /** The timed-out page; {@code within} says what the request did not finish within (HTML). */
    private static Response timedOut(RequestContext ctx, String within) {
        if (!isPage(ctx)) {
            return problem(504, ctx.route() + " did not complete within " + within.replaceAll("<[^>]+>", ""), ctx);
        }
        String retry = ctx.request().path() + "?delay=10";
        int calls = Outbound.calls(ctx);
        Page page = new Page("Timed out", "<span class=\"badge bad\">504</span> <code>" + Html.escape(ctx.route())
                + "</code> did not finish within " + within + ". This is the application's own page: a mapper of "
                + "<code>RequestTimeoutException</code>, as ASP.NET's <code>[HandleError(ExceptionType = "
                + "typeof(TimeoutException))]</code>.", """
                <h2>What happened</h2>
                <ol>
                <li>The timeout fired the request's cancellation token with <code>TIMEOUT</code> and completed the
                action's pending future with a <code>RequestTimeoutException</code>.</li>
                %s
                </ol>
                <p>%s · %s (the backend then answers within the timeout)</p>
                """.formatted(whatTheCallsDid(calls), Html.link(ctx.request().uri(), "Try again"),
                Html.link(retry, "Try with ?delay=10")));
        return Response.status(504).html(Html.document(page, Stopwatch.badge(ctx)));
    }

    /** The steps after the timeout, as many calls as the page made: none, one, or several. */
    private static String whatTheCallsDid(int calls) {
        String stats = Html.link("/stats/backend", "/stats/backend");
        if (calls == 0) {
            return "<li>No backend call had been made yet: there was nothing to abort.</li>";
        }
        if (calls == 1) {
            return """
                    <li>The page's backend call was made with <code>.in(ctx)</code>, so it was registered on that token:
                    it was aborted and its connection closed.</li>
                    <li>The backend saw the disconnect, stopped the timer it was awaiting and counted the call as
                    <strong>cancelled</strong>: watch that number in the footer, or at %s.</li>""".formatted(stats);
        }
        return """
                <li>The page's %d backend calls were made with <code>.in(ctx)</code>, so they were registered on that
                token: those still running were aborted and their connections closed.</li>
                <li>The backend saw each disconnect, stopped the timer it was awaiting and counted each of those calls
                as <strong>cancelled</strong>: watch that number in the footer, or at %s.</li>""".formatted(calls, stats);
    }

    static Response backendFailed(HttpClientException e, RequestContext ctx) {
        if (e instanceof ClientTimeoutException && ctx.deadline().isExpired()) {
            // the call had the page's own deadline, and that is what ran out (the call may not even have started)
            return timedOut(ctx, "its deadline" + ctx.route().timeoutOverride()
                    .filter(t -> !t.isZero()).map(t -> " (a <strong>" + t.toMillis() + " ms</strong> timeout)").orElse(""));
        }
        int status = e instanceof ClientTimeoutException ? 504 : 502;
        String what;
        if (e instanceof HttpStatusException s) {
            what = s.response().headers().first("Content-Type").orElse("").contains("json")
                    ? "answered " + s.status() + " (" + Status.reason(s.status()) + "): " + detail(s.response().text())
                    : "answered " + s.status() + " (" + Status.reason(s.status()) + ")";
        } else if (e instanceof ConnectFailedException) {
            what = "could not be reached: " + e.getMessage();
        } else {
            what = "failed: " + e.getMessage();
        }
        if (!isPage(ctx)) {
            return problem(status, "a backend call " + what, ctx);
        }
        Page page = new Page("The backend failed", "<span class=\"badge bad\">" + status + "</span> A call this page "
                + "depends on " + Html.escape(what), """
                <p>The page could not be built, so the front answers %d (%s) with this page, rendered by a mapper of
                <code>HttpClientException</code>. A failure asked for with <code>?failRate=</code> is the backend's
                <code>500</code>; in the parallel pages it also cancels the sibling calls still running.</p>
                <p>%s · %s</p>
                """.formatted(status, Html.escape(Status.reason(status)), Html.link(ctx.request().uri(), "Try again"),
                Html.link(ctx.request().path(), "Try without the query")));
        return Response.status(status).html(Html.document(page, Stopwatch.badge(ctx)));
    }

    /** Pages get HTML; the JSON routes keep problem+json. */
    static boolean isPage(RequestContext ctx) {
        String path = ctx.request().path();
        return !path.endsWith(".json") && !path.startsWith("/stats") && !path.startsWith("/operations");
    }

    private static Response problem(int status, String detail, RequestContext ctx) {
        return Problem.of(status, detail).withInstance(ctx.request().path()).toResponse();
    }

    /** A problem's {@code detail}, or the body itself (abbreviated) when it is none. */
    private static String detail(String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.hasNonNull("detail")) {
                return node.get("detail").asText();
            }
        } catch (java.io.IOException ignored) {
            // not JSON after all: show it as it came
        }
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}
