package dev.baton.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.Server;
import dev.baton.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real servers configured from outside the code, answering a real client. */
class ServerFromConfigurationTest {

    @Test
    void aServerConfiguredFromAYamlFileBindsAndAnswersAsTheFileSays(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("baton.yaml"), """
                server:
                  host: 127.0.0.1
                  port: 0
                  serverHeader: from-yaml
                """);
        BatonConfig config = BatonConfig.builder().file(file).build();
        Server server = Server.builder().config(c -> config.applyTo(c)).routing(r -> r.get("/", ctx -> "hi")).build().start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(server.port()).isPositive();
            assertThat(response.body()).isEqualTo("hi");
            assertThat(response.headers().firstValue("server")).hasValue("from-yaml");
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void serverBuilderPicksUpASystemPropertyByItselfAndTheCodeStillWins() throws IOException, InterruptedException {
        // a real system property, as -Dbaton.server.serverHeader=... sets it; the code sets port 0 over any outside port
        System.setProperty("baton.server.serverHeader", "from-property");
        System.setProperty("baton.server.port", "1");
        try (TestServer s = TestServer.start(r -> r.get("/", ctx -> "hi"))) {
            HttpResponse<String> response = s.get("/");

            assertThat(response.headers().firstValue("server")).hasValue("from-property");
            assertThat(s.port()).isNotEqualTo(1);
        } finally {
            System.clearProperty("baton.server.serverHeader");
            System.clearProperty("baton.server.port");
        }
    }

    @Test
    void aValueOutOfRangeAppliedToTheServersBuilderNamesItsSourceButOneTheCodeSetDoesNot() {
        BatonConfig config = BatonConfig.builder().environment(java.util.Map.of("BATON_SERVER_MAX_IN_FLIGHT", "0")).build();

        assertThatThrownBy(() -> Server.builder().config(c -> config.applyTo(c)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.maxInFlight = 0 (environment variable BATON_SERVER_MAX_IN_FLIGHT): maxInFlight must be > 0");
        BatonConfig valid = BatonConfig.builder().environment(java.util.Map.of("BATON_SERVER_MAX_IN_FLIGHT", "5")).build();
        assertThatThrownBy(() -> Server.builder().config(c -> valid.applyTo(c).maxInFlight(0)))
                .isNotInstanceOf(ConfigException.class)
                .hasMessage("maxInFlight must be > 0");
    }

    @Test
    void aWholeServerConfigThatDropsAnOutsideSettingIsReportedOncePerKey() {
        System.setProperty("baton.server.requestQueueCapacity", "7");
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        // slf4j-simple writes to System.err as it is when it logs
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            dev.baton.ServerConfig whole = dev.baton.ServerConfig.builder().port(0).build();
            Server.builder().config(whole);
            Server.builder().config(whole);
            Server.builder().config(whole.toBuilder().requestQueueCapacity(7).build()); // holds the outside value
        } finally {
            System.setErr(original);
            System.clearProperty("baton.server.requestQueueCapacity");
        }
        String logs = captured.toString(java.nio.charset.StandardCharsets.UTF_8);

        assertThat(logs.lines().filter(l -> l.contains("is not applied"))).singleElement().asString()
                .contains("server.requestQueueCapacity = 7 (system property baton.server.requestQueueCapacity) is not "
                        + "applied: the code gave Server.builder().config(ServerConfig) a whole configuration, which holds 1000");
    }

    @Test
    void serverBuilderFailsAtOnceOnAnUnknownKeyNamingItsSource() {
        System.setProperty("baton.server.wokerThreads", "8");
        try {
            assertThatThrownBy(Server::builder)
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("unknown key in system property baton.server.wokerThreads: "
                            + "did you mean baton.server.workerThreads?");
        } finally {
            System.clearProperty("baton.server.wokerThreads");
        }
    }
}
