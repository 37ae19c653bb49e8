package dev.baton.internal.websocket;

import dev.baton.context.CancellationReason;
import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.PendingWork;
import dev.baton.context.RequestContext;
import dev.baton.context.TraceParent;
import dev.baton.http.Request;
import dev.baton.internal.OnceCallbacks;
import dev.baton.internal.PendingWorkTracker;
import dev.baton.routing.Route;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request context of a WebSocket session: the handshake's request, route, attributes, trace
 * and token, over the session's life instead of the handshake's. No deadline (the idle timeout
 * bounds a session; the handshake's deadline would fail a call made a minute in), work tracked
 * until the session ends (the handshake's tracker abandons at once what starts after the 101),
 * and the session's end as its completion.
 */
final class SessionContext implements RequestContext {
    private static final Logger log = LoggerFactory.getLogger(SessionContext.class);

    private final HandshakeExchange handshake;
    private final PendingWorkTracker work = new PendingWorkTracker();
    private final OnceCallbacks<Outcome> completion = new OnceCallbacks<>("a WebSocket session's end");
    private volatile Outcome outcome;

    SessionContext(HandshakeExchange handshake) {
        this.handshake = handshake;
    }

    /** The session ended, so: its tracked work is abandoned and its completion callbacks run. Once. */
    void end(CancellationReason why) {
        if (outcome != null) {
            return;
        }
        outcome = switch (why) {
            case CLIENT_DISCONNECT -> Outcome.CLIENT_DISCONNECTED;
            case TIMEOUT -> Outcome.TIMED_OUT;
            case SHUTDOWN -> Outcome.SHUT_DOWN;
            case CLOSED, CANCEL_REQUESTED -> Outcome.RESPONDED;
        };
        List<String> abandoned = work.abandonAll();
        if (!abandoned.isEmpty()) {
            log.debug("{} ended with work still pending, abandoned: {}", handshake.route(), abandoned);
        }
        completion.fire(outcome);
    }

    @Override
    public Request request() {
        return handshake.request();
    }

    @Override
    public Route route() {
        return handshake.route();
    }

    @Override
    public Map<String, Object> attributes() {
        return handshake.attributes();
    }

    @Override
    public Deadline deadline() {
        return Deadline.NONE;
    }

    @Override
    public CancellationToken cancellation() {
        return handshake.cancellation();
    }

    @Override
    public PendingWork pendingWork() {
        return work;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return handshake.scheduler();
    }

    @Override
    public Optional<TraceParent> traceParent() {
        return handshake.traceParent();
    }

    @Override
    public boolean isCompleted() {
        return outcome != null;
    }

    @Override
    public void onComplete(Consumer<Outcome> callback) {
        completion.add(callback);
    }
}
