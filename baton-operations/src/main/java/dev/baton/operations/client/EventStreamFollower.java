package dev.baton.operations.client;

import dev.baton.client.BodyReader;
import dev.baton.client.Call;
import dev.baton.client.ClientResponse;
import dev.baton.client.ClientTimeoutException;
import dev.baton.client.ConnectFailedException;
import dev.baton.client.ConnectionClosedException;
import dev.baton.client.HttpStatusException;
import dev.baton.client.PoolExhaustedException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.SequencedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows an operation through its Server-Sent Events, {@code {operationUrl}/events}, each
 * event's data being the operation resource. A cut stream is reopened with {@code Last-Event-ID},
 * after a backoff (from the stream's {@code retry} field if it sent one); failed connections in a
 * row are bounded, and a connection that brought a new event resets the count. An event seen
 * before is never delivered again: numeric ids (Baton's 1, 2, 3...) must grow, other ids must be
 * new. When there is no stream (another status, another content type) or it keeps failing, the
 * caller falls back to polling.
 */
final class EventStreamFollower {
    private static final Logger log = LoggerFactory.getLogger(OperationsClient.class);
    private static final int REMEMBERED_IDS = 1024;

    /** The response itself, its body still arriving. */
    private static final BodyReader<ClientResponse> STREAMED = new BodyReader<>() {
        @Override
        public ClientResponse read(ClientResponse response) {
            return response;
        }

        @Override
        public boolean streaming() {
            return true;
        }
    };

    /** How one connection ended: with the terminal state, or cut (after progress or not; by our own renewal or not). */
    private record Outcome(OperationResource terminal, boolean progressed, boolean renewed) {
    }

    private final OperationFollower<?> follow;
    private final FollowOptions options;
    private final SequencedSet<String> seenIds = new LinkedHashSet<>();
    private long lastNumericId = Long.MIN_VALUE;
    private String lastEventId = "";
    private long serverRetryMillis = -1;

    EventStreamFollower(OperationFollower<?> follow) {
        this.follow = follow;
        this.options = follow.client().options();
    }

    /** The terminal state, or null when the events are not to be had (the caller polls instead). */
    OperationResource follow() {
        URI events = eventsUri(follow.location());
        int failures = 0;
        while (true) {
            ClientResponse response;
            try {
                response = follow.await(request(events).send(STREAMED));
            } catch (HttpStatusException e) {
                log.debug("no event stream at {} ({}): polling", events, e.status());
                return null;
            } catch (ConnectFailedException | ConnectionClosedException | ClientTimeoutException
                     | PoolExhaustedException e) {
                if (++failures > options.reconnectAttempts()) {
                    log.info("the event stream of {} failed {} times in a row ({}): polling", events, failures, e.toString());
                    return null;
                }
                follow.sleep(backoff(failures));
                continue;
            }
            if (response.status() != 200 || !isEventStream(response)) {
                response.close();
                log.debug("{} answered {} {}, no event stream: polling", events, response.status(),
                        response.header("Content-Type").orElse("without a Content-Type"));
                return null;
            }
            Outcome outcome = read(response);
            if (outcome.terminal() != null) {
                return outcome.terminal();
            }
            if (outcome.renewed()) {
                failures = 0; // our own streamTimeout ended a healthy stream: reopen at once
                continue;
            }
            failures = outcome.progressed() ? 1 : failures + 1;
            if (failures > options.reconnectAttempts()) {
                log.info("the event stream of {} was cut {} times in a row without progress: polling", events, failures);
                return null;
            }
            follow.sleep(backoff(failures));
        }
    }

    private Call request(URI events) {
        Call call = follow.call("GET", events).header("Accept", "text/event-stream").header("Cache-Control", "no-cache")
                .timeout(options.streamTimeout());
        if (!lastEventId.isEmpty()) {
            try {
                call.header("Last-Event-ID", lastEventId);
            } catch (IllegalArgumentException e) {
                // an id no header can carry: start over; ids seen before are skipped anyway
                log.debug("cannot send Last-Event-ID {}: {}", lastEventId, e.getMessage());
            }
        }
        return call;
    }

    /** Reads one connection's events until the terminal one, the end, or a cut. */
    private Outcome read(ClientResponse response) {
        boolean progressed = false;
        try (response) {
            follow.track(response);
            SseReader reader = new SseReader(response.stream(), follow.client().http().config().maxResponseBytes());
            SseReader.Event event;
            while ((event = reader.next()) != null) {
                if (reader.retryMillis() >= 0) {
                    serverRetryMillis = reader.retryMillis();
                }
                lastEventId = reader.lastEventId();
                if (event.ownId() && !isNew(event.id())) {
                    continue; // a server that replayed it: delivered before
                }
                OperationResource state = OperationResource.parse(follow.mapper(), event.data().getBytes(StandardCharsets.UTF_8));
                if (state == null) {
                    log.debug("ignored an event of {} that is no operation resource: {}", follow.location(), event.type());
                    continue;
                }
                progressed = true;
                follow.deliver(state);
                if (state.state().isTerminal()) {
                    return new Outcome(state, true, false);
                }
            }
            log.debug("the event stream of {} ended before the operation did: reconnecting", follow.location());
            return new Outcome(null, progressed, false);
        } catch (IOException e) {
            follow.checkStopped(); // closed by the stop: no cut
            boolean renewed = causedBy(e, ClientTimeoutException.class);
            log.debug("the event stream of {} was cut: {}", follow.location(), e.toString());
            return new Outcome(null, progressed, renewed);
        } finally {
            follow.untrack();
        }
    }

    private boolean isNew(String id) {
        if (!id.isEmpty() && id.length() <= 18 && id.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long n = Long.parseLong(id);
            if (n <= lastNumericId) {
                return false;
            }
            lastNumericId = n;
            return true;
        }
        if (!seenIds.add(id)) {
            return false;
        }
        if (seenIds.size() > REMEMBERED_IDS) {
            seenIds.removeFirst();
        }
        return true;
    }

    private Duration backoff(int failures) {
        Duration base = serverRetryMillis >= 0 ? Duration.ofMillis(serverRetryMillis) : options.reconnectDelay();
        return options.backoff(base, failures);
    }

    private static boolean isEventStream(ClientResponse response) {
        String type = response.header("Content-Type").orElse("");
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT).equals("text/event-stream");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** {@code {operationUrl}/events}, the query (an api-version, say) kept after the path. */
    static URI eventsUri(URI operation) {
        String path = operation.getRawPath() == null ? "" : operation.getRawPath();
        return URI.create(operation.getScheme() + "://" + operation.getRawAuthority() + (path.endsWith("/") ? path : path + "/")
                + "events" + (operation.getRawQuery() != null ? "?" + operation.getRawQuery() : ""));
    }
}
