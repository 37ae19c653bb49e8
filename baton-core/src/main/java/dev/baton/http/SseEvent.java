package dev.baton.http;

import java.time.Duration;

/**
 * One Server-Sent Event.
 *
 * <pre>{@code emitter.send(SseEvent.of("42").withEvent("progress").withId("7"));}</pre>
 */
public record SseEvent(String id, String event, String data, Duration retry) {

    public SseEvent {
        for (String field : new String[] {id, event}) {
            if (field != null && (field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0)) {
                throw new IllegalArgumentException("SSE id and event names cannot hold line breaks");
            }
        }
    }

    public static SseEvent of(String data) {
        return new SseEvent(null, null, data, null);
    }

    public SseEvent withId(String newId) {
        return new SseEvent(newId, event, data, retry);
    }

    public SseEvent withEvent(String name) {
        return new SseEvent(id, name, data, retry);
    }

    public SseEvent withRetry(Duration after) {
        return new SseEvent(id, event, data, after);
    }

    /** The wire form: fields, multi-line data split into data lines, and the blank line. */
    public String encode() {
        StringBuilder sb = new StringBuilder(32 + (data == null ? 0 : data.length()));
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        if (event != null) {
            sb.append("event: ").append(event).append('\n');
        }
        if (retry != null) {
            sb.append("retry: ").append(retry.toMillis()).append('\n');
        }
        if (data != null) {
            for (String line : data.split("\r\n|\r|\n", -1)) {
                sb.append("data: ").append(line).append('\n');
            }
        }
        return sb.append('\n').toString();
    }
}
