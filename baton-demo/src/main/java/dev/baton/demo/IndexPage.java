package dev.baton.demo;

/** The demo's front page: what each route shows. */
final class IndexPage {
    private IndexPage() {
    }

    static String html() {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Baton demo</title>
                <style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5}
                code{background:#f3f3f3;padding:0 .3em}li{margin:.4em 0}</style></head>
                <body><h1>Baton demo</h1>
                <p>A request is a baton passed between threads: a thread carries it only while there is work to do.</p>
                <h2>Routes</h2>
                <ul>
                <li><a href="/sync">GET /sync</a> &mdash; a sync handler: runs on a worker thread and answers at once.</li>
                <li><a href="/async?ms=200">GET /async?ms=200</a> &mdash; an async handler: returns a stage; no thread waits during the 200 ms.</li>
                <li><a href="/slow">GET /slow</a> &mdash; a slow route (3 s of work) with a 1 s timeout: answers 504 problem+json.</li>
                <li><a href="/blocking?ms=500">GET /blocking?ms=500</a> &mdash; blocks a worker thread (Thread.sleep).</li>
                <li><a href="/overload">GET /overload</a> &mdash; fires 20 concurrent blocking requests at a pool of 4 workers and a queue of 4: the other 12 get 503 with Retry-After at once, and this route answers with one of them (the tally in the problem).</li>
                <li><a href="/stats">GET /stats</a> &mdash; the server's live numbers (in flight, queued, rejected, timed out, per-route latency).</li>
                <li><a href="/events">GET /events</a> &mdash; Server-Sent Events: five ticks, then the stream closes.</li>
                </ul>
                <p>Send <code>Baton-Trace: 1</code> with any request to get a <code>Server-Timing</code> header
                naming the thread that ran each stage: <code>curl -i -H 'Baton-Trace: 1' localhost:8080/async</code>.</p>
                </body></html>
                """;
    }
}
