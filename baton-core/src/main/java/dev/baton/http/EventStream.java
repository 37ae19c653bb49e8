package dev.baton.http;

import java.time.Duration;

/**
 * A Server-Sent Events response. The server calls {@link #source} once the headers are sent.
 *
 * <pre>{@code return EventStream.of(emitter -> ticker.onTick(n -> emitter.send("" + n)));}</pre>
 *
 * @param source    starts producing events; may return at once and send from other threads
 * @param heartbeat interval of keep-alive comments; {@link Duration#ZERO} for none
 */
public record EventStream(Source source, Duration heartbeat) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

    public EventStream {
        if (heartbeat == null || heartbeat.isNegative()) {
            throw new IllegalArgumentException("heartbeat must be zero or positive");
        }
    }

    public static Response of(Source source) {
        return of(source, DEFAULT_HEARTBEAT);
    }

    public static Response of(Source source, Duration heartbeat) {
        return Response.ok().events(new EventStream(source, heartbeat));
    }

    /** Starts the stream of events. */
    @FunctionalInterface
    public interface Source {
        void start(EventEmitter emitter) throws Exception;
    }
}
