package dev.baton.demo.web;

import dev.baton.context.RequestContext;
import dev.baton.controller.ActionContext;
import dev.baton.controller.ActionFilter;
import dev.baton.http.Response;
import java.util.Locale;
import java.util.Optional;

/**
 * Times every controller action (the tutorial's {@code [UseStopwatch]}): {@code before} notes
 * the time and thread, {@code after} renders a {@link Page} into the layout with the elapsed
 * time, the thread the action began on and the thread that finished it, and a
 * {@code Server-Timing: stopwatch;dur=...} entry. Any other result passes through untouched. The
 * error pages read the same start time ({@link #badge}), so a timed-out page says how long it ran.
 */
public final class Stopwatch implements ActionFilter {
    private static final String STARTED = Stopwatch.class.getName() + ".started";
    private static final String THREAD = Stopwatch.class.getName() + ".thread";

    @Override
    public Object before(ActionContext action) {
        action.context().attributes().put(STARTED, System.nanoTime());
        action.context().attributes().put(THREAD, currentThread());
        return null;
    }

    @Override
    public Object after(ActionContext action) {
        if (!(action.result() instanceof Page page)) {
            return action.result();
        }
        RequestContext ctx = action.context();
        double ms = millis(ctx).orElse(0.0);
        return Response.status(page.status())
                .header("Server-Timing", "stopwatch;dur=" + String.format(Locale.ROOT, "%.1f", ms) + ";desc=\"action\"")
                .html(Html.document(page, badge(ctx)));
    }

    /** The time since the action's {@code before}, in milliseconds, if this request was timed. */
    public static Optional<Double> millis(RequestContext ctx) {
        return ctx.attributes().get(STARTED) instanceof Long started
                ? Optional.of((System.nanoTime() - started) / 1e6) : Optional.empty();
    }

    /** The elapsed-time line of a page, as HTML; empty if the request was not timed. */
    public static String badge(RequestContext ctx) {
        return millis(ctx).map(ms -> """
                <p class="stopwatch"><span class="clock">%s ms</span> elapsed in the action (Stopwatch filter) \
                · began on <code>%s</code> · finished on <code>%s</code></p>"""
                .formatted(Math.round(ms), Html.escape(ctx.attributes().get(THREAD)), Html.escape(currentThread())))
                .orElse("");
    }

    /** The current thread's name; a virtual thread has none unless given one. */
    public static String currentThread() {
        Thread t = Thread.currentThread();
        return !t.getName().isEmpty() ? t.getName() : t.isVirtual() ? "a virtual thread" : "thread " + t.threadId();
    }
}
