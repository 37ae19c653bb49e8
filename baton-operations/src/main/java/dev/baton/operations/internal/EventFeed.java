package dev.baton.operations.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.http.EventEmitter;
import dev.baton.http.SseEvent;
import dev.baton.operations.store.OperationEvent;
import dev.baton.operations.store.OperationStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds one event stream: the stored events after the client's last one, then the live ones,
 * with no gap and nothing twice (live events that arrive during the replay wait for it, and
 * every event at or below the last one sent is skipped). Ends after the terminal event.
 */
final class EventFeed {
    private final OperationStore store;
    private final String id;
    private final EventEmitter emitter;
    private final ObjectMapper json;
    private final Duration retry;
    private long lastSent;
    private boolean replayed;
    private boolean ended;
    private boolean sentAny;
    private final List<OperationEvent> early = new ArrayList<>();
    private OperationStore.Subscription subscription;

    EventFeed(OperationStore store, String id, long after, EventEmitter emitter, ObjectMapper json, Duration retry) {
        this.store = store;
        this.id = id;
        this.lastSent = after;
        this.emitter = emitter;
        this.json = json;
        this.retry = retry;
    }

    void start() {
        // subscribe first, then replay: an event appended in between is in one or both, never in neither
        OperationStore.Subscription s = store.subscribe(id, lastSent, this::live);
        synchronized (this) {
            subscription = s;
        }
        emitter.onClose(this::end);
        store.events(id, lastSent).whenComplete((events, e) -> {
            synchronized (this) {
                if (e != null) {
                    end();
                    emitter.close();
                    return;
                }
                events.forEach(this::send);
                replayed = true;
                early.forEach(this::send);
                early.clear();
            }
        });
    }

    private synchronized void live(OperationEvent event) {
        if (!replayed) {
            early.add(event);
        } else {
            send(event);
        }
    }

    private void send(OperationEvent event) {
        if (ended || event.id() <= lastSent) {
            return;
        }
        lastSent = event.id();
        SseEvent sse;
        try {
            sse = SseEvent.of(json.writeValueAsString(OperationView.of(event.snapshot(), json)))
                    .withId(Long.toString(event.id())).withEvent(event.kind());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (!sentAny) { // tells the browser how soon to reconnect after a cut
            sentAny = true;
            sse = sse.withRetry(retry);
        }
        emitter.send(sse);
        if (event.isTerminal()) {
            end();
            emitter.close();
        }
    }

    private synchronized void end() {
        ended = true;
        if (subscription != null) {
            subscription.close();
        }
    }
}
