package dev.baton.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw socket to a server, for bytes no well-behaved client would send. Reads until the server
 * closes the connection or the read timeout elapses.
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        this(port, Duration.ofSeconds(5));
    }

    public RawHttp(int port, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Everything the server sends until it closes; fails if it keeps the connection open past the timeout. */
    public Result readUntilClosed() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        boolean closed;
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                buf.write(chunk, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException e) {
            closed = false;
        } catch (java.net.SocketException e) {
            closed = true; // reset counts as closed
        }
        return new Result(buf.toString(StandardCharsets.ISO_8859_1), closed);
    }

    /** Reads one response with a Content-Length body (or none), leaving the connection open. */
    public String readResponse() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before a full head: " + buf.toString(StandardCharsets.ISO_8859_1));
            }
            buf.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String head = buf.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.ISO_8859_1);
    }

    /** Reads one chunk of a chunked body: its data, or "" for the last chunk (and its empty trailer). */
    public String readChunk() throws IOException {
        String sizeLine = readLine();
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
            String trailer;
            while (!(trailer = readLine()).isEmpty()) {
                // trailers are not expected here, but a chunked body may have them
            }
            return "";
        }
        byte[] data = in.readNBytes(size);
        if (!readLine().isEmpty()) {
            throw new IOException("chunk data not followed by CRLF");
        }
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("closed mid-line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        if (!text.endsWith("\r")) {
            throw new IOException("a line ending in a bare LF: " + text);
        }
        return text.substring(0, text.length() - 1);
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** What came back and whether the server closed the connection. */
    public record Result(String text, boolean closed) {
        public int status() {
            if (!text.startsWith("HTTP/1.1 ")) {
                return -1;
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        /** The number of responses in the text. */
        public int responses() {
            int n = 0;
            int i = 0;
            while ((i = text.indexOf("HTTP/1.1 ", i)) >= 0) {
                n++;
                i += 9;
            }
            return n;
        }
    }
}
