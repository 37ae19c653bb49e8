package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.support.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hello world, run as the README says (an SLF4J provider on the class path, which the tests
 * have), in a JVM of its own: it prints no warning, with or without native access.
 */
class QuietStartTest {

    /** Everything a HelloWorld JVM printed from its start to its stop (SIGTERM), having answered one request. */
    private static List<String> runHelloWorld(List<String> jvmOptions) throws Exception {
        try (ChildJvm child = ChildJvm.start(HelloWorld.class, jvmOptions, "0");
             HttpClient client = HttpClient.newHttpClient()) {
            String url = child.await("HelloWorld listening on ", Duration.ofSeconds(30)).replace("localhost", "127.0.0.1");
            HttpResponse<String> later = client.send(HttpRequest.newBuilder(URI.create(url + "later")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(later.body()).isEqualTo("Hello, later!");
            child.sigterm();
            int exit = child.awaitExit(Duration.ofSeconds(20));
            assertThat(exit).as("exit code on SIGTERM; output: " + child.lines()).isEqualTo(143);
            return child.lines();
        }
    }

    private static void assertNoWarning(List<String> output) {
        assertThat(output).as("what the JVM printed").noneMatch(l -> l.startsWith("WARNING") || l.startsWith("SLF4J(W)")
                || l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception"));
    }

    @Test
    void helloWorldWithNativeAccessPrintsNoWarningAndUsesEpoll() throws Exception {
        List<String> output = runHelloWorld(List.of(ChildJvm.NATIVE_ACCESS, "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
        assertNoWarning(output);
        assertThat(output).anyMatch(l -> l.contains("Baton listening on") && l.contains("(epoll transport"));
        assertThat(output).anyMatch(l -> l.contains("Baton stopped")); // the shutdown hook's graceful stop
    }

    @Test
    void helloWorldWithoutNativeAccessPrintsNoWarningAndSaysWhyItUsesNio() throws Exception {
        List<String> output = runHelloWorld(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
        assertNoWarning(output);
        if (Runtime.version().feature() >= 24) { // earlier JDKs load native code without a word: epoll as ever
            assertThat(output).anyMatch(l -> l.contains("(nio transport") && l.contains("epoll needs --enable-native-access=ALL-UNNAMED"));
        }
    }
}
