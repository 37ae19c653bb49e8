package dev.baton.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A plain {@link ServerSocket} backend on port 0 that answers request number n (counted from 0
 * over all connections) with the exact bytes {@code answers} gives for n, or never answers when
 * it gives null. For responses no real server would send. Counts what it saw.
 */
final class RawBackend implements AutoCloseable {
    static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final ServerSocket listener;
    private final IntFunction<String> answers;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();

    private RawBackend(IntFunction<String> answers) throws IOException {
        this.answers = answers;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "raw-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers request n with {@code answers.apply(n)}; null holds that request unanswered. */
    static RawBackend start(IntFunction<String> answers) throws IOException {
        return new RawBackend(answers);
    }

    /** Answers the first request with {@code first}, every later one with a plain 200 "ok". */
    static RawBackend firstAnswer(String first) throws IOException {
        return start(n -> n == 0 ? first : OK);
    }

    String url(String path) {
        return "http://127.0.0.1:" + listener.getLocalPort() + path;
    }

    String host() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Connections accepted. */
    int accepted() {
        return accepted.get();
    }

    /** Request heads read. */
    int requests() {
        return requests.get();
    }

    /** Connections the client closed (read to their end, or reset). */
    int closedByClient() {
        return closedByClient.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                accepted.incrementAndGet();
                sockets.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return; // the listener closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                long bodyLength = readHead(in);
                if (bodyLength < 0) {
                    closedByClient.incrementAndGet();
                    return;
                }
                in.skipNBytes(bodyLength);
                String answer = answers.apply(requests.getAndIncrement());
                if (answer != null) {
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
        } catch (IOException e) {
            if (!listener.isClosed()) {
                closedByClient.incrementAndGet(); // reset: the client closed with bytes it had not read
            }
        } finally {
            sockets.remove(socket);
        }
    }

    /** Reads one request head; its Content-Length, or -1 at the end of the stream. */
    private static long readHead(InputStream in) throws IOException {
        long length = 0;
        boolean any = false;
        for (String line; (line = readLine(in)) != null; ) {
            if (line.isEmpty()) {
                if (any) {
                    return length;
                }
                continue; // stray CRLF between requests
            }
            any = true;
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).strip());
            }
        }
        return -1;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
