package dev.baton.testing.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testing.await.Await;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Baton's modules are real Java modules: an application module that requires
 * {@code dev.baton.client} (and through it {@code dev.baton.core}) compiles on the module path,
 * links into a {@code jlink} image with its dependencies, and serves from that image: JSON of its
 * own record, a controller, a problem+json refusal and an outbound call of the client.
 */
class ModuleImageTest {
    private static final String MODULE_INFO = """
            module hello {
                requires dev.baton.client;
                opens hello to dev.baton.core, com.fasterxml.jackson.databind;
            }
            """;
    private static final String MAIN = """
            package hello;

            import dev.baton.Server;
            import dev.baton.client.HttpClient;
            import dev.baton.controller.Controller;
            import dev.baton.controller.Get;

            public class Main {
                public record Greeting(String text) {}

                @Controller("/greet")
                public static class Greeter {
                    @Get("/{name}")
                    public Greeting greet(String name) {
                        return new Greeting("Hello, " + name);
                    }
                }

                public static void main(String[] args) {
                    HttpClient client = HttpClient.builder().build();
                    int[] port = new int[1];
                    Server server = Server.builder().config(c -> c.port(0)).controllers(new Greeter()).routing(r -> {
                        r.get("/hello", ctx -> new Greeting("Hello, modules"));
                        r.get("/relay", ctx -> client.get("http://127.0.0.1:" + port[0] + "/greet/relay").in(ctx).send()
                                .thenApply(res -> res.as(Greeting.class)));
                    }).build().start();
                    port[0] = server.port();
                    System.out.println("listening on " + server.port());
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void anApplicationModuleLinksIntoAnImageThatServesWithTheClientAndControllers() throws Exception {
        String modulePath = batonModulePath();
        Path src = dir.resolve("src/hello");
        Files.createDirectories(src.resolve("hello"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("hello/Main.java"), MAIN);
        Path classes = dir.resolve("classes/hello");

        StringWriter compileOutput = new StringWriter();
        int compiled = tool("javac", compileOutput, "-d", classes.toString(), "--module-path", modulePath, "-parameters",
                src.resolve("module-info.java").toString(), src.resolve("hello/Main.java").toString());
        assertThat(compiled).as("javac on the module path: " + compileOutput).isZero();

        Path image = dir.resolve("image");
        StringWriter linkOutput = new StringWriter();
        int linked = tool("jlink", linkOutput, "--module-path", classes.getParent() + File.pathSeparator + modulePath,
                "--add-modules", "hello,org.slf4j.simple", "--output", image.toString(), "--no-header-files", "--no-man-pages");
        assertThat(linked).as("jlink: " + linkOutput).isZero();
        assertThat(modulesOf(image)).contains("dev.baton.core", "dev.baton.client", "io.netty.codec.http",
                "com.fasterxml.jackson.databind", "hello");

        Process app = new ProcessBuilder(image.resolve("bin/java").toString(), "-m", "hello/hello.Main")
                .redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> readLines(app, lines));
        try (HttpClient http = HttpClient.newHttpClient()) {
            String listening = Await.until("the image's server to start", Duration.ofSeconds(60),
                    () -> lines.stream().filter(l -> l.startsWith("listening on ")).findFirst().orElse(app.isAlive() ? null : "exited"),
                    v -> v != null);
            assertThat(listening).as("the image's output: " + lines).startsWith("listening on ");
            String base = "http://127.0.0.1:" + listening.substring("listening on ".length()).strip();

            assertThat(get(http, base + "/hello").body()).isEqualTo("{\"text\":\"Hello, modules\"}");
            assertThat(get(http, base + "/greet/image").body()).isEqualTo("{\"text\":\"Hello, image\"}");
            assertThat(get(http, base + "/relay").body()).isEqualTo("{\"text\":\"Hello, relay\"}");
            HttpResponse<String> missing = get(http, base + "/nowhere");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        } finally {
            app.destroyForcibly().waitFor();
            reader.join(Duration.ofSeconds(5));
        }
        assertThat(lines).as("what the image printed").noneMatch(l -> l.contains("Exception") || l.contains("WARN"));
    }

    /** The class path entries that are modules of the image: Baton's own classes and the jars (test classes excluded). */
    private static String batonModulePath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes"))
                .filter(e -> e.endsWith(".jar") || Files.exists(Path.of(e, "module-info.class")))
                .reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
    }

    private static int tool(String name, StringWriter output, String... args) {
        PrintWriter out = new PrintWriter(output);
        return ToolProvider.findFirst(name).orElseThrow(() -> new AssertionError(name + " is not in this JDK")).run(out, out, args);
    }

    private static List<String> modulesOf(Path image) throws IOException {
        Process list = new ProcessBuilder(image.resolve("bin/java").toString(), "--list-modules").start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return Stream.of(out.split("\n")).map(l -> l.split("@")[0].strip()).toList();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void readLines(Process p, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                lines.add(l);
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
