package dev.baton.demo.front;

import dev.baton.client.ClientResponse;
import dev.baton.client.RetryPolicy;
import dev.baton.context.RequestContext;
import dev.baton.controller.Controller;
import dev.baton.controller.Get;
import dev.baton.demo.web.Html;
import dev.baton.demo.web.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The bounded queue at work: {@code /overload} fires more concurrent blocking requests at this
 * server than its workers and queue hold; the ones past both are refused with 503 and
 * {@code Retry-After} at once, by the event loop, without touching a worker.
 */
@Controller
public final class OverloadPages {
    /** How long each {@code /blocking} request of the burst holds its worker. */
    static final int BURST_MILLIS = 200;
    /** How many requests the burst sends beyond what the workers and the queue hold. */
    static final int BEYOND = 16;

    private final Outbound outbound;
    private final int workers;
    private final int queue;

    private record Outcome(int status, long millis, String retryAfter, String body) {
    }

    public OverloadPages(Outbound outbound, int workers, int queue) {
        this.outbound = outbound;
        this.workers = workers;
        this.queue = queue;
    }

    /** Holds a worker thread: {@code Thread.sleep} for {@code ms} (0 to 5000, default 500). */
    @Get("/blocking")
    public String blocking(RequestContext ctx) throws InterruptedException {
        var param = ctx.request().query("ms");
        long ms = !param.isPresent() ? 500 : param.as("milliseconds from 0 to 5000", v -> {
            long n = Long.parseLong(v);
            if (n < 0 || n > 5000) {
                throw new IllegalArgumentException(v);
            }
            return n;
        });
        Thread.sleep(ms);
        return "slept " + ms + " ms on " + Thread.currentThread().getName();
    }

    @Get("/overload")
    public CompletionStage<Page> overload(RequestContext ctx) {
        int burst = workers + queue + BEYOND;
        List<CompletableFuture<Outcome>> calls = new ArrayList<>(burst);
        for (int i = 0; i < burst; i++) {
            long start = System.nanoTime();
            calls.add(outbound.self("GET", "/blocking?ms=" + BURST_MILLIS)
                    .retry(RetryPolicy.none()) // a 503 is what this page is about: no second try
                    .in(ctx).send()
                    .thenApply(res -> outcome(res, start))
                    .exceptionally(e -> new Outcome(0, (System.nanoTime() - start) / 1_000_000, null, String.valueOf(e))));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .thenApply(v -> page(burst, calls.stream().map(CompletableFuture::join).toList()));
    }

    private static Outcome outcome(ClientResponse res, long start) {
        return new Outcome(res.status(), (System.nanoTime() - start) / 1_000_000, res.header("Retry-After").orElse(null),
                res.status() == 503 ? res.text() : null);
    }

    private Page page(int burst, List<Outcome> outcomes) {
        Map<Integer, List<Outcome>> by = new TreeMap<>();
        outcomes.forEach(o -> by.computeIfAbsent(o.status(), s -> new ArrayList<>()).add(o));
        StringBuilder b = new StringBuilder("<div class=\"scroll\"><table><thead><tr><th>status</th><th class=\"num\">requests</th>")
                .append("<th class=\"num\">fastest ms</th><th class=\"num\">slowest ms</th><th>what happened</th></tr></thead><tbody>");
        by.forEach((status, list) -> b.append("<tr><td>").append(status == 0 ? "error" : status)
                .append("</td><td class=\"num\">").append(list.size())
                .append("</td><td class=\"num\">").append(list.stream().mapToLong(Outcome::millis).min().orElse(0))
                .append("</td><td class=\"num\">").append(list.stream().mapToLong(Outcome::millis).max().orElse(0))
                .append("</td><td>").append(Html.escape(meaning(status))).append("</td></tr>"));
        b.append("</tbody></table></div>");
        outcomes.stream().filter(o -> o.status() == 503).findFirst().ifPresent(o -> b.append("<h2>One refusal, as it came</h2><pre>")
                .append(Html.escape("HTTP/1.1 503 Service Unavailable\nRetry-After: " + o.retryAfter()
                        + "\nContent-Type: application/problem+json\n\n" + o.body())).append("</pre>"));
        b.append("<p>").append(Html.link("/overload", "Run it again")).append(" · ")
                .append(Html.link("/stats", "the server's numbers")).append(" (rejected counts every refusal)</p>");
        long refused = by.getOrDefault(503, List.of()).size();
        return new Page("Overload", "This page fired <strong>" + burst
                + "</strong> concurrent requests at <code>/blocking?ms=" + BURST_MILLIS + "</code> (each holds a worker "
                + "thread) against <strong>" + workers + "</strong>" + (workers == 1 ? " worker" : " workers") + " and a queue of <strong>" + queue
                + "</strong>. " + refused + (refused == 1 ? " was" : " were") + " refused with <code>503</code> and <code>Retry-After</code> the moment "
                + "they arrived, by the event loop: nothing waits unboundedly, and no worker was spent saying no.",
                b.toString());
    }

    private String meaning(int status) {
        return switch (status) {
            case 200 -> "served: one of the " + workers + " workers at once, or after a wait in the queue";
            case 503 -> "refused at once: every worker busy and the queue of " + queue + " full";
            case 0 -> "the call failed";
            default -> "";
        };
    }
}
