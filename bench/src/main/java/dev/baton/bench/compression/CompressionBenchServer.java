package dev.baton.bench.compression;

import dev.baton.Server;
import dev.baton.ServerConfig;
import dev.baton.staticfiles.StaticFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * The server of {@code ./baton bench compression}: a 100 KB JSON answer and two static files, so
 * that the same request can be measured with and without {@code Accept-Encoding: gzip}.
 *
 * <pre>{@code java -cp bench/target/baton-bench.jar dev.baton.bench.compression.CompressionBenchServer 8080 DIR [LEVEL]}</pre>
 *
 * <ul>
 *   <li>{@code GET /json-100k}: a list of 1500 records, about 100 KB once serialized</li>
 *   <li>{@code GET /static/data.json}: the same bytes as a file (sendfile, or gzip through a stream)</li>
 *   <li>{@code GET /static/random.bin}: 1 MiB that does not compress (sendfile, never gzipped)</li>
 * </ul>
 */
public final class CompressionBenchServer {
    private CompressionBenchServer() {
    }

    /** The records of {@code /json-100k}. */
    static List<Map<String, Object>> items() {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            items.add(Map.of("id", i, "name", "gizmo number " + i, "colour", i % 2 == 0 ? "red" : "blue", "price", i * 1.25));
        }
        return items;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: CompressionBenchServer PORT DIR [LEVEL]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[1]));
        List<Map<String, Object>> items = items();
        Files.write(dir.resolve("data.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(items));
        byte[] random = new byte[1 << 20];
        new Random(1).nextBytes(random);
        Files.write(dir.resolve("random.bin"), random);
        ServerConfig.Builder config = ServerConfig.builder().port(Integer.parseInt(args[0])).host("127.0.0.1").shutdownHook(false);
        if (args.length > 2) {
            config.compressionLevel(Integer.parseInt(args[2]));
        }
        Server server = Server.builder().config(config.build()).routing(r -> {
            r.get("/json-100k", ctx -> items);
            r.staticFiles("/static", StaticFiles.directory(dir));
        }).build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(java.time.Duration.ofSeconds(1));
            stopped.countDown();
        }, "bench-shutdown"));
        System.out.printf("compression bench server ready on port %d pid %d%n", server.port(), ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
    }
}
