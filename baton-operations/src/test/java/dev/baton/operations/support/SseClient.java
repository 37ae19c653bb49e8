package dev.baton.operations.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An event-stream reader on a raw socket, so that a test can cut the connection where it likes. */
public final class SseClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    public final int status;

    public SseClient(int port, String path, String... headers) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(10_000); // shorter than a heartbeat: a stream that never ends fails the test
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String statusLine = in.readLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            // headers
        }
    }

    /** The next event, or null when the stream ended; chunk-size lines of the chunked coding are skipped. */
    public Event next() throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.matches("[0-9a-fA-F]+") && data == null && id == null && event == null) {
                if (line.equals("0")) {
                    return null; // the last chunk
                }
                continue;
            }
            if (line.isEmpty()) {
                if (data != null || id != null || event != null) {
                    return new Event(id, event, data == null ? null : data.toString());
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { }
            }
        }
        return null;
    }

    /** Reads until the stream ends. */
    public List<Event> rest() throws IOException {
        List<Event> all = new ArrayList<>();
        Event e;
        while ((e = next()) != null) {
            all.add(e);
        }
        return all;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One event. */
    public record Event(String id, String event, String data) {
        public long idNumber() {
            return Long.parseLong(id);
        }
    }
}
