package dev.baton.demo.front;

import dev.baton.demo.web.Html;
import dev.baton.demo.web.Page;
import java.net.URI;

/** The front page: every page of the demo, with one line on what it proves. */
final class IndexPage {
    private IndexPage() {
    }

    static String html(URI backend, int workers, int queue) {
        String body = """
                <h2 id="sample">The sample: the same page, sync and async</h2>
                <dl class="pages">
                <dt><a href="/Products">Products</a> · <a href="/ProductsAsync">ProductsAsync</a></dt>
                <dd>Both take the backend's 500 ms. The sync one holds a worker thread all that time; the async one holds
                none, and its worker serves other requests meanwhile.</dd>
                <dt><a href="/Widgets">Widgets</a> · <a href="/WidgetsAsync">WidgetsAsync</a></dt>
                <dd>The same with another list.</dd>
                <dt><a href="/Gizmos">Gizmos</a> · <a href="/GizmosAsync">GizmosAsync</a></dt>
                <dd>And a third. Load them with many clients and the %1$d workers starve on the sync pages only.</dd>
                </dl>
                <p>Every page passes <code>?delay=300</code>, a random range <code>?delay=200-800</code> and
                <code>?failRate=0.5</code> on to the backend; a failure renders the application's error page
                (<a href="/Products?failRate=1">try it</a>).</p>
                <h2 id="parallel">Parallel calls</h2>
                <dl class="pages">
                <dt><a href="/PWG">PWG</a></dt><dd>Products, Widgets, Gizmos one after another: about 1.5 s.</dd>
                <dt><a href="/PWGasync">PWGasync</a></dt><dd>The same three calls in parallel: about 0.5 s.</dd>
                </dl>
                <h2 id="timeouts">Timeouts and cancellation</h2>
                <dl class="pages">
                <dt><a href="/PWGtimeOut">PWGtimeOut</a></dt><dd><code>@Timeout(50)</code> against three 500 ms calls: the
                application's own "timed out" page answers, and the backend counts the three calls as cancelled.</dd>
                <dt><a href="/GizmosCancelAsync">GizmosCancelAsync</a></dt><dd><code>@Timeout(150)</code>: the request's
                cancellation token aborts the outbound call; the backend stops its timer and counts it.</dd>
                </dl>
                <h2 id="report">Long-running work</h2>
                <dl class="pages">
                <dt><a href="/report">Report</a></dt><dd>An operation: started with 202, progress bar fed by Server-Sent
                Events, cancellable, and re-attached by its URL after a reload.</dd>
                </dl>
                <h2 id="threads">Which thread ran what</h2>
                <dl class="pages">
                <dt><a href="/styles/value">value</a> · <a href="/styles/future">future</a> ·
                <a href="/styles/responder">responder</a> · <a href="/styles/operations">operations</a></dt>
                <dd>The same call in each controller style, with the server's own trace of which thread ran each stage
                (<a href="/styles">about them</a>).</dd>
                </dl>
                <h2 id="overload">Overload</h2>
                <dl class="pages">
                <dt><a href="/overload">overload</a></dt><dd>More blocking requests than %1$d workers and a queue of %2$d
                hold: the rest get 503 with <code>Retry-After</code> at once.</dd>
                </dl>
                <h2 id="numbers">Numbers</h2>
                <dl class="pages">
                <dt><a href="/dashboard">/dashboard</a></dt><dd>Live charts of the front server: in flight, queued, busy
                workers, latency, the backend calls and the operations.</dd>
                <dt><a href="/metrics">/metrics</a></dt><dd>Every meter, for Prometheus.</dd>
                <dt><a href="/stats">/stats</a></dt><dd>The front server, its client, the operations and the backend, as JSON.</dd>
                <dt><a href="/stats/backend">/stats/backend</a></dt><dd>What the backend saw: calls, completed, failed,
                cancelled and why (also in every page's footer).</dd>
                <dt>%3$s</dt><dd>The backend itself, on its own port.</dd>
                </dl>
                <p>Send <code>Baton-Trace: 1</code> with any request for a <code>Server-Timing</code> header naming the
                thread that ran each stage.</p>
                """.formatted(workers, queue, Html.link(backend.toString(), backend.toString()));
        return Html.document(new Page("Sync and async, side by side", "The classic tutorial of async request handling "
                + "(ASP.NET MVC 4's Products, Widgets and Gizmos) on Baton: a front application whose pages call a "
                + "slow backend through <code>baton-client</code>, written synchronously and asynchronously, each "
                + "page timed by a stopwatch filter.", body), "");
    }
}
