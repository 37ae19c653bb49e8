package dev.baton.operations.internal;

import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.PendingWork;
import dev.baton.context.RequestContext;
import dev.baton.http.Request;
import dev.baton.routing.Route;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The context a route's handler sees when it runs as an operation: the request it came with,
 * but the operation's deadline and cancellation token, since the HTTP exchange has already been
 * answered with 202.
 */
final class OperationRequestContext implements RequestContext, PendingWork {
    private final Origin origin;
    private final Attempt attempt;
    private final Map<String, Object> attributes;
    private final Set<Runnable> open = ConcurrentHashMap.newKeySet();

    /**
     * What a request leaves for its operation: the request (immutable), its route, its attributes as
     * they were when it arrived (a middleware's user, say) and a scheduler.
     */
    record Origin(Request request, Route route, Map<String, Object> attributes, ScheduledExecutorService scheduler) {
        static Origin of(RequestContext ctx) {
            return new Origin(ctx.request(), ctx.route(), Map.copyOf(ctx.attributes()), ctx.scheduler());
        }
    }

    OperationRequestContext(Origin origin, Attempt attempt) {
        this.origin = origin;
        this.attempt = attempt;
        this.attributes = new ConcurrentHashMap<>(origin.attributes());
        // work still open when the attempt ends is abandoned, as the server does at a response's end
        attempt.ended.whenComplete((how, e) -> open.forEach(Runnable::run));
    }

    @Override
    public Request request() {
        return origin.request();
    }

    @Override
    public Route route() {
        return origin.route();
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public Deadline deadline() {
        return attempt.deadline();
    }

    @Override
    public CancellationToken cancellation() {
        return attempt.token;
    }

    @Override
    public PendingWork pendingWork() {
        return this;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return origin.scheduler();
    }

    @Override
    public boolean isCompleted() {
        return attempt.decided.get();
    }

    @Override
    public void onComplete(Consumer<Outcome> callback) {
        attempt.ended.thenAccept(callback);
    }

    @Override
    public Ticket begin(String description, Runnable onAbandon) {
        open.add(onAbandon);
        return () -> open.remove(onAbandon);
    }

    @Override
    public int pending() {
        return open.size();
    }
}
