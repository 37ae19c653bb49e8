package dev.baton.bench;

import dev.baton.Server;
import dev.baton.http.RequestBody;
import dev.baton.internal.body.RequestBodyStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Upload throughput: one body sent over a raw loopback socket as fast as the socket takes it, to
 * a route that streams it (dropped, or written to a file) and to the aggregated path at its
 * limit. Halfway through each upload a full GC measures the live heap: what the server holds for
 * the body then (a streamed body's own count of bytes held for its reader is printed beside it).
 * Server and client share this JVM; the GC's pause is inside the time.
 *
 * <pre>{@code ./baton bench upload [--streamed-mb 1024] [--aggregated-mb 256] [--rounds 3]}</pre>
 */
public final class UploadBench {
    private static final int PIECE = 64 * 1024;
    /** The body being streamed now, for its count of bytes held. */
    private static volatile RequestBodyStream streaming;

    private UploadBench() {
    }

    public static void main(String[] args) throws Exception {
        long streamedMb = 1024;
        long aggregatedMb = 256;
        int rounds = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--streamed-mb" -> streamedMb = Long.parseLong(args[i + 1]);
                case "--aggregated-mb" -> aggregatedMb = Long.parseLong(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path file = Files.createTempFile("baton-upload-bench", ".bin");
        long aggregatedLimit = aggregatedMb << 20;
        Server server = Server.builder()
                .config(c -> c.port(0).host("127.0.0.1").maxBodySize(aggregatedLimit).requestTimeout(Duration.ofMinutes(5)))
                .routing(r -> {
                    // the aggregated body read without another copy: what aggregation itself costs
                    r.post("/aggregated", ctx -> ctx.request().bodyStream().discard());
                    r.post("/streamed", ctx -> held(ctx.request().bodyStream()).discard()).streamBody(Long.MAX_VALUE);
                    r.post("/file", ctx -> held(ctx.request().bodyStream()).transferTo(file)).streamBody(Long.MAX_VALUE);
                })
                .build()
                .start();
        try {
            System.out.printf(Locale.ROOT, "# baton bench upload: java %s, -Xmx %d MB, %d cores%n", Runtime.version(),
                    Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
            System.out.println("| path | body MB | round | MB/s | live heap halfway, MB | held for the reader, peak KB |");
            System.out.println("|---|---|---|---|---|---|");
            for (int round = 1; round <= rounds; round++) {
                run(server.port(), "/streamed", streamedMb, round);
                run(server.port(), "/file", streamedMb, round);
                run(server.port(), "/aggregated", aggregatedMb, round);
            }
        } finally {
            server.stop(Duration.ofSeconds(5));
            Files.deleteIfExists(file);
        }
    }

    private static RequestBody held(RequestBody body) {
        streaming = (RequestBodyStream) body;
        return body;
    }

    private static void run(int port, String path, long mb, int round) throws IOException {
        streaming = null;
        System.gc();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long size = mb << 20;
        byte[] piece = new byte[PIECE];
        for (int i = 0; i < piece.length; i++) {
            piece[i] = (byte) (i * 31);
        }
        long liveHalfway = -1;
        long start = System.nanoTime();
        String status;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(300_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: bench\r\nContent-Length: " + size + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (long sent = 0; sent < size; sent += PIECE) {
                out.write(piece, 0, (int) Math.min(PIECE, size - sent));
                if (liveHalfway < 0 && sent >= size / 2) {
                    System.gc();
                    liveHalfway = memory.getHeapMemoryUsage().getUsed();
                }
            }
            out.flush();
            InputStream in = socket.getInputStream();
            status = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().findFirst().orElse("(nothing)");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IllegalStateException(path + " answered " + status);
        }
        RequestBodyStream body = streaming;
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %d | %s |%n", path, mb, round, mb / seconds, liveHalfway >> 20,
                body == null ? "-" : String.valueOf(body.peakHeldBytes() >> 10));
    }
}
