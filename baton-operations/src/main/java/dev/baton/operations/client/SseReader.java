package dev.baton.operations.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads Server-Sent Events from a byte stream as the WHATWG HTML spec's parser does (9.2.6):
 * lines end with CRLF, LF or CR (even when a CRLF is split between two reads); a leading BOM is
 * dropped; a line starting with a colon is a comment; {@code data} lines join with LF;
 * {@code id} sets the last event id (unless it holds NUL) and persists to the next events;
 * {@code retry} takes ASCII digits only; unknown fields are ignored; a blank line dispatches, but
 * only an event with data; an event cut by the end of the stream is never dispatched.
 * Blocking: one reader per stream, on one thread that is not an event loop.
 */
final class SseReader {

    /**
     * One dispatched event.
     *
     * @param id     the last event id once this event was dispatched (its own, or an earlier one's)
     * @param ownId  true if the event had an {@code id} field itself, so that {@code id} names it
     * @param type   the {@code event} field, {@code message} when absent
     * @param data   the data lines joined by LF
     */
    record Event(String id, boolean ownId, String type, String data) {
    }

    private final InputStream in;
    private final long maxEventBytes;
    private final byte[] buffer = new byte[8192];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private int pos;
    private int limit;
    private boolean skipLf;
    private boolean firstLine = true;
    private String lastEventId = "";
    private String idBuffer = "";
    private long retryMillis = -1;
    // the event being read
    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private boolean ownId;

    /** {@code maxEventBytes} bounds one event, so that a stream without blank lines cannot fill the heap. */
    SseReader(InputStream in, long maxEventBytes) {
        this.in = in;
        this.maxEventBytes = maxEventBytes;
    }

    /** The id to send as {@code Last-Event-ID} on a reconnect; empty when there is none. */
    String lastEventId() {
        return lastEventId;
    }

    /** The reconnection time the stream asked for with {@code retry}, in ms; -1 when it did not. */
    long retryMillis() {
        return retryMillis;
    }

    /** The next event; blocks until one is complete. Null at the end of the stream. */
    Event next() throws IOException {
        String l;
        while ((l = readLine()) != null) {
            if (firstLine) {
                firstLine = false;
                if (l.startsWith("\uFEFF")) {
                    l = l.substring(1);
                }
            }
            if (l.isEmpty()) {
                Event e = dispatch();
                if (e != null) {
                    return e;
                }
            } else if (l.charAt(0) != ':') { // a comment (a heartbeat) is ignored
                int colon = l.indexOf(':');
                String field = colon < 0 ? l : l.substring(0, colon);
                String value = colon < 0 ? "" : l.substring(value(l, colon));
                field(field, value);
            }
        }
        return null; // an event the end of the stream cut is discarded, as the spec says
    }

    private static int value(String l, int colon) {
        return colon + 1 < l.length() && l.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
    }

    private void field(String field, String value) {
        switch (field) {
            case "event" -> type = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    idBuffer = value;
                    ownId = true;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    retryMillis = value.length() > 12 ? Long.MAX_VALUE / 2 : Long.parseLong(value);
                }
            }
            default -> { } // unknown fields are ignored (9.2.6)
        }
    }

    private Event dispatch() {
        lastEventId = idBuffer; // even for an event with no data: an id alone moves the resume point
        Event e = null;
        if (!data.isEmpty()) {
            data.setLength(data.length() - 1); // the LF after the last data line
            e = new Event(lastEventId, ownId, type.isEmpty() ? "message" : type, data.toString());
        }
        data.setLength(0);
        type = "";
        ownId = false;
        return e;
    }

    /** One line without its end; null at the end of the stream (a last line without an end is dropped). */
    private String readLine() throws IOException {
        line.reset();
        while (true) {
            if (pos == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n < 0) {
                    return null;
                }
                pos = 0;
                limit = n;
                continue;
            }
            byte b = buffer[pos++];
            if (skipLf) { // the CR of a CRLF ended the previous line
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                skipLf = b == '\r';
                return line.toString(StandardCharsets.UTF_8); // malformed UTF-8 becomes U+FFFD, as the spec decodes
            }
            line.write(b);
            if (line.size() + (long) data.length() > maxEventBytes) { // the line, and the data before it
                throw new IOException("an event of the stream is larger than " + maxEventBytes + " bytes");
            }
        }
    }
}
