package dev.baton.internal.websocket;

import dev.baton.internal.Futures;
import dev.baton.websocket.WebSocketEndpoint;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's events on their way to its endpoint: open, each message, an error, the close. One
 * at a time and in order, each on the route's executor; the next starts when the callback has
 * returned, or when the stage it returned has completed. Past {@value #PAUSE_AT} waiting the
 * connection stops reading until half have been taken. Queue on the event loop only.
 */
final class WebSocketInbox {
    private static final Logger log = LoggerFactory.getLogger(WebSocketInbox.class);
    static final int PAUSE_AT = 16;
    /** How soon a callback the worker queue refused is offered again. */
    private static final long RETRY_MILLIS = 10;

    private sealed interface Event {
    }

    private record Open() implements Event {
    }

    private record Text(String text) implements Event {
    }

    private record Binary(byte[] data) implements Event {
    }

    private record Failed(Throwable error) implements Event {
    }

    private record Closed(int code, String reason) implements Event {
    }

    private final ServerSession session;
    /** Completed when onClose has run. */
    private final CompletableFuture<Void> onCloseRan;
    private final WebSocketEndpoint endpoint;
    /** The route's executor: runs a callback, false when its queue refuses. */
    private final Predicate<Runnable> executor;
    private final ArrayDeque<Event> waiting = new ArrayDeque<>();
    private boolean running;
    private boolean paused;
    private boolean failed;
    private boolean ended;

    WebSocketInbox(ServerSession session, WebSocketEndpoint endpoint, Predicate<Runnable> executor, CompletableFuture<Void> onCloseRan) {
        this.session = session;
        this.onCloseRan = onCloseRan;
        this.endpoint = endpoint;
        this.executor = executor;
    }

    /** A callback is running or waiting (event loop). */
    boolean isBusy() {
        return running || !waiting.isEmpty();
    }

    void opened() {
        add(new Open());
    }

    void text(String text) {
        add(new Text(text));
    }

    void binary(byte[] data) {
        add(new Binary(data));
    }

    void closed(int code, String reason) {
        add(new Closed(code, reason));
    }

    private void add(Event e) {
        if (ended) {
            return;
        }
        waiting.add(e);
        if (waiting.size() >= PAUSE_AT && !paused) {
            paused = true;
            session.reading(false);
        }
        next();
    }

    /** Starts the next event if none is running (event loop). */
    private void next() {
        if (running || waiting.isEmpty()) {
            return;
        }
        Event e = waiting.poll();
        if (paused && waiting.size() < PAUSE_AT / 2) {
            paused = false;
            session.reading(true);
        }
        running = true;
        if (e instanceof Closed) {
            ended = true;
        }
        if (!executor.test(() -> run(e))) {
            // the session closes (1013): its messages are dropped, but onOpen and onClose still
            // run, in that order, once a thread is free
            running = false;
            ended = false;
            waiting.addFirst(e);
            waiting.removeIf(w -> !(w instanceof Open) && !(w instanceof Closed));
            session.overloaded();
            session.eventLoop().schedule(this::next, RETRY_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** Runs one callback on the route's thread; the next event waits for its stage. */
    private void run(Event e) {
        Object result;
        try {
            result = switch (e) {
                case Open o -> endpoint.onOpen().opened(session);
                case Text t -> endpoint.onText().received(session, t.text());
                case Binary b -> endpoint.onBinary().received(session, b.data());
                case Failed f -> {
                    endpoint.onError().failed(session, f.error());
                    yield null;
                }
                case Closed c -> {
                    endpoint.onClose().closed(session, c.code(), c.reason());
                    yield null;
                }
            };
        } catch (Throwable t) {
            done(e, t);
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((v, t) -> done(e, t));
        } else {
            done(e, null);
        }
    }

    private void done(Event e, Throwable error) {
        if (session.eventLoop().inEventLoop()) {
            finished(e, error);
        } else {
            session.eventLoop().execute(() -> finished(e, error));
        }
    }

    /** The callback of {@code e} has finished (event loop): a failure becomes onError, then 1011. */
    private void finished(Event e, Throwable error) {
        running = false;
        if (e instanceof Closed) {
            onCloseRan.complete(null);
        }
        if (error != null) {
            Throwable cause = Futures.unwrap(error);
            if (e instanceof Failed || e instanceof Closed || failed) {
                log.warn("{}: {} callback failed", session, e.getClass().getSimpleName(), cause);
            } else {
                failed = true;
                log.debug("{}: callback failed; closing with 1011", session, cause);
                waiting.addFirst(new Failed(cause));
                session.callbackFailed();
            }
        }
        next();
    }
}
