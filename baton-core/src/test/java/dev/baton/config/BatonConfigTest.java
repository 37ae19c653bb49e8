package dev.baton.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExecutionModel;
import dev.baton.ServerConfig;
import dev.baton.Tracing;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatonConfigTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static ServerConfig server(BatonConfig config) {
        return config.applyTo(ServerConfig.builder()).build();
    }

    @Test
    void aYamlFileSetsServerSettingsNestedOrDottedAndInAnySpellingOfTheirNames() throws IOException {
        Path file = write("baton.yaml", """
                server:
                  port: 9090
                  worker-threads: 12
                  requestTimeout: 2s
                  tracing: on-request
                  nativeTransport: false
                  serverHeader: "edge 1.0"
                server.maxBodySize: 1048576
                server.defaultExecution: virtual
                """);

        ServerConfig c = server(BatonConfig.builder().file(file).build());

        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.workerThreads()).isEqualTo(12);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.tracing()).isEqualTo(Tracing.ON_REQUEST);
        assertThat(c.nativeTransport()).isFalse();
        assertThat(c.serverHeader()).isEqualTo("edge 1.0");
        assertThat(c.maxBodySize()).isEqualTo(1_048_576L);
        assertThat(c.defaultExecution()).isEqualTo(ExecutionModel.VIRTUAL);
        // what no source sets keeps its default
        assertThat(c.maxHeaderCount()).isEqualTo(ServerConfig.builder().build().maxHeaderCount());
    }

    @Test
    void theWebSocketSettingsLoadFromAYamlFile() throws IOException {
        Path file = write("baton.yaml", """
                server:
                  webSocketMaxFrameSize: 65536
                  webSocketMaxMessageSize: 262144
                  webSocketSendBufferSize: 131072
                  webSocketIdleTimeout: 90s
                  webSocketPingInterval: 0
                  webSocketAllowedOrigins: "https://app.example.com, https://admin.example.com"
                  webSocketCompression: true
                """);

        ServerConfig c = server(BatonConfig.builder().file(file).build());

        assertThat(c.webSocketMaxFrameSize()).isEqualTo(65_536);
        assertThat(c.webSocketMaxMessageSize()).isEqualTo(262_144);
        assertThat(c.webSocketSendBufferSize()).isEqualTo(131_072);
        assertThat(c.webSocketIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.webSocketPingInterval()).isEqualTo(Duration.ZERO);
        assertThat(c.webSocketAllowedOrigins()).isEqualTo("https://app.example.com, https://admin.example.com");
        assertThat(c.webSocketCompression()).isTrue();
    }

    @Test
    void theHttp2SettingsLoadFromAYamlFile() throws IOException {
        Path file = write("baton.yaml", """
                server:
                  http2: false
                  http2MaxConcurrentStreams: 5
                  http2-reset-window: 10s
                  http2MaxResetsPerWindow: 0
                """);

        dev.baton.Http2Config h2 = server(BatonConfig.builder().file(file).build()).http2();

        assertThat(h2.enabled()).isFalse();
        assertThat(h2.maxConcurrentStreams()).isEqualTo(5);
        assertThat(h2.resetWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(h2.maxResetsPerWindow()).isZero();
        assertThat(h2.maxFrameSize()).isEqualTo(dev.baton.Http2Config.DEFAULTS.maxFrameSize());
    }

    @Test
    void aPropertiesFileSetsTheSameSettingsAsAYamlFile() throws IOException {
        Path yaml = write("baton.yaml", """
                server:
                  port: 9090
                  idleTimeout: 90s
                  tracing: ALWAYS
                """);
        Path properties = write("baton.properties", """
                # the same, as properties
                server.port = 9090
                server.idleTimeout = PT1M30S
                server.tracing: always
                """);

        assertThat(server(BatonConfig.builder().file(properties).build()))
                .isEqualTo(server(BatonConfig.builder().file(yaml).build()))
                .isNotEqualTo(ServerConfig.builder().build());
    }

    @Test
    void theEnvironmentOverridesTheFileAndSystemPropertiesOverrideTheEnvironment() throws IOException {
        Path file = write("baton.yaml", """
                server:
                  port: 9001
                  workerThreads: 11
                  maxInFlight: 111
                """);
        BatonConfig config = BatonConfig.builder()
                .file(file)
                .environment(Map.of("BATON_SERVER_WORKER_THREADS", "22", "BATON_SERVER_MAX_IN_FLIGHT", "222"))
                .systemProperties(Map.of("baton.server.maxInFlight", "333"))
                .build();

        ServerConfig c = server(config);

        assertThat(c.port()).isEqualTo(9001);
        assertThat(c.workerThreads()).isEqualTo(22);
        assertThat(c.maxInFlight()).isEqualTo(333);
        assertThat(config.origin("server.port")).isEqualTo(file.toAbsolutePath() + " line 2");
        assertThat(config.origin("server.workerThreads")).isEqualTo("environment variable BATON_SERVER_WORKER_THREADS");
        assertThat(config.origin("server.maxInFlight")).isEqualTo("system property baton.server.maxInFlight");
    }

    @Test
    void whatTheCodeSetsOnTheBuilderOverridesEverySource() {
        BatonConfig config = BatonConfig.builder()
                .environment(Map.of("BATON_SERVER_PORT", "9001"))
                .systemProperties(Map.of("baton.server.workerThreads", "33"))
                .build();

        ServerConfig c = config.applyTo(ServerConfig.builder()).port(0).build();

        assertThat(c.port()).isZero();
        assertThat(c.workerThreads()).isEqualTo(33);
    }

    @Test
    void aLaterFileOverridesAnEarlierOneAndBothKeepWhatTheOtherDoesNotSet() throws IOException {
        Path packaged = write("defaults.yaml", "server: {port: 9001, workerThreads: 11}\n");
        Path deployed = write("deployed.properties", "server.port=9002\n");

        ServerConfig c = server(BatonConfig.builder().file(packaged).file(deployed).build());

        assertThat(c.port()).isEqualTo(9002);
        assertThat(c.workerThreads()).isEqualTo(11);
    }

    @Test
    void variablesAndPropertiesWithoutTheBatonPrefixAreIgnored() {
        BatonConfig config = BatonConfig.builder()
                .environment(Map.of("PORT", "1", "SERVER_PORT", "2", "SERVER_WORKER_THREADS", "nonsense"))
                .systemProperties(Map.of("server.port", "3", "java.version", "21", "baton.config.unrelated", "x"))
                .build();

        assertThat(config.settings()).isEmpty();
        assertThat(server(config)).isEqualTo(ServerConfig.builder().build());
    }

    @Test
    void anUnknownKeyInAYamlFileIsAnErrorNamingTheKeyTheFileAndTheLine() throws IOException {
        Path file = write("baton.yaml", """
                server:
                  port: 8080
                  workerThread: 12
                """);

        assertThatThrownBy(() -> BatonConfig.builder().file(file).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown key server.workerThread (" + file.toAbsolutePath() + " line 3): "
                        + "did you mean server.workerThreads?");
    }

    @Test
    void anUnknownKeyInAPropertiesFileNamesItsLineAndAKeyFarFromAnyListsTheSettings() throws IOException {
        Path file = write("baton.properties", "# comment\n\nserver.port=8080\nserver.colour=blue\n");

        assertThatThrownBy(() -> BatonConfig.builder().file(file).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown key server.colour (" + file.toAbsolutePath() + " line 4): "
                        + "the server settings are ")
                .hasMessageContaining("workerThreads");
    }

    @Test
    void anUnknownServerVariableOrPropertyIsAnErrorNamingIt() {
        assertThatThrownBy(() -> BatonConfig.builder().environment(Map.of("BATON_SERVER_WORKER_THREAD", "4")).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown key in environment variable BATON_SERVER_WORKER_THREAD: "
                        + "did you mean BATON_SERVER_WORKER_THREADS?");
        assertThatThrownBy(() -> BatonConfig.builder().environment(Map.of("BATON_SERVER_COLOUR", "blue")).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown key in environment variable BATON_SERVER_COLOUR: the server settings are ");
        assertThatThrownBy(() -> BatonConfig.builder().systemProperties(Map.of("baton.server.prot", "80")).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown key in system property baton.server.prot: did you mean baton.server.port?");
    }

    @Test
    void aKeyOfNoSectionInAFileIsAnError() throws IOException {
        Path file = write("baton.properties", "baton.server.port=8080\n");

        assertThatThrownBy(() -> BatonConfig.builder().file(file).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key baton.server.port (" + file.toAbsolutePath() + " line 1)")
                .hasMessageContaining("without the baton. of system properties");
    }

    @Test
    void badValuesAreErrorsNamingTheKeyAndTheSourceAllReportedAtOnce() throws IOException {
        Path file = write("baton.yaml", """
                server:
                  requestTimeout: 10 sec
                  tracing: sometimes
                """);

        assertThatThrownBy(() -> BatonConfig.builder().file(file)
                .environment(Map.of("BATON_SERVER_PORT", "eighty"))
                .systemProperties(Map.of("baton.server.nativeTransport", "yes"))
                .build())
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "server.requestTimeout (" + file.toAbsolutePath() + " line 2): '10 sec' is not a duration: "
                                + "write a whole number with a unit (500ms, 10s, 2m, 1h, 1d), 0, or ISO-8601 (PT0.5S)",
                        "server.tracing (" + file.toAbsolutePath() + " line 3): 'sometimes' is none of OFF, ON_REQUEST, ALWAYS",
                        "server.port (environment variable BATON_SERVER_PORT): 'eighty' is not a whole number from "
                                + "-2147483648 to 2147483647",
                        "server.nativeTransport (system property baton.server.nativeTransport): 'yes' is not true or false"))
                .hasMessageStartingWith("4 problems in the Baton configuration:");
    }

    @Test
    void aValueOutOfItsRangeIsAnErrorNamingTheKeyAndTheSource() {
        BatonConfig config = BatonConfig.builder().environment(Map.of("BATON_SERVER_PORT", "70000")).build();

        assertThatThrownBy(config::serverConfig)
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.port = 70000 (environment variable BATON_SERVER_PORT): port must be 0..65535");
    }

    @Test
    void aClientKeyWithoutBatonClientOnTheClasspathIsAnErrorSayingSo() {
        // baton-core's tests run without baton-client, as an application that uses no client would
        assertThatThrownBy(() -> BatonConfig.builder().systemProperties(Map.of("baton.client.maxConnectionsPerHost", "8")).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("client.maxConnectionsPerHost (system property baton.client.maxConnectionsPerHost) configures "
                        + "baton-client, which is not on the classpath: add it, or remove the setting");
    }

    @Test
    void oneSettingSpeltTwoWaysInOneSourceIsAnError() throws IOException {
        Path file = write("baton.yaml", "server:\n  workerThreads: 4\n  worker-threads: 8\n");

        assertThatThrownBy(() -> BatonConfig.builder().file(file).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.workerThreads is set twice: by " + file.toAbsolutePath() + " line 2 and by "
                        + file.toAbsolutePath() + " line 3");
    }

    @Test
    void aKeyWrittenTwiceInAFileIsAnErrorNamingBothLines() throws IOException {
        Path file = write("baton.properties", "server.port=1\nserver.port=2\n");

        assertThatThrownBy(() -> BatonConfig.builder().file(file).build())
                .hasMessage("server.port is set twice in " + file.toAbsolutePath() + ", lines 1 and 2");
    }

    @Test
    void brokenYamlIsAnErrorNamingTheFileAndTheLine() throws IOException {
        Path file = write("baton.yaml", "server:\n  port: 1\n  host: [unclosed\n");

        assertThatThrownBy(() -> BatonConfig.builder().file(file).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file.toAbsolutePath() + " line ")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void aListOrAnEmptyValueIsAnError() throws IOException {
        Path file = write("baton.yml", "server:\n  host:\n  port: [1, 2]\n");

        assertThatThrownBy(() -> BatonConfig.builder().file(file).build())
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "server.host (" + file.toAbsolutePath() + " line 2) has no value",
                        "server.port (" + file.toAbsolutePath() + " line 3): a list is no setting value"));
    }

    @Test
    void aFileOfAnotherFormatIsAnError() throws IOException {
        Path file = write("baton.json", "{}");

        assertThatThrownBy(() -> BatonConfig.builder().file(file).build())
                .hasMessage(file.toAbsolutePath() + " is neither YAML nor properties: name a .yaml, .yml or .properties file");
    }

    @Test
    void theWorkingDirectoryFileOverridesTheClasspathOneAndTheEnvironmentOverridesBoth() throws IOException {
        Path classes = Files.createDirectory(dir.resolve("classes"));
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.writeString(classes.resolve("baton.yaml"), "server: {port: 9001, workerThreads: 11, maxInFlight: 111}\n");
        Files.writeString(work.resolve("baton.properties"), "server.workerThreads=22\nserver.maxInFlight=222\n");

        try (URLClassLoader cl = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            BatonConfig config = BatonConfig.discover(Map.of("BATON_SERVER_MAX_IN_FLIGHT", "333"), Map.of(), work, cl);
            ServerConfig c = server(config);

            assertThat(c.port()).isEqualTo(9001);
            assertThat(c.workerThreads()).isEqualTo(22);
            assertThat(c.maxInFlight()).isEqualTo(333);
            assertThat(config.files()).hasSize(2);
            assertThat(config.files().getFirst()).startsWith("classpath resource file:").endsWith("baton.yaml");
        }
    }

    @Test
    void theFileBatonConfigNamesReplacesTheWorkingDirectoryOne() throws IOException {
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.writeString(work.resolve("baton.yaml"), "server: {port: 9001}\n");
        Path elsewhere = write("prod.yaml", "server: {port: 9002}\n");

        BatonConfig viaEnv = BatonConfig.discover(Map.of("BATON_CONFIG", elsewhere.toString()), Map.of(), work, emptyClassLoader());
        BatonConfig viaProperty = BatonConfig.discover(Map.of("BATON_CONFIG", "missing.yaml"),
                Map.of("baton.config", elsewhere.toString()), work, emptyClassLoader());

        assertThat(server(viaEnv).port()).isEqualTo(9002);
        assertThat(server(viaProperty).port()).isEqualTo(9002);
        assertThatThrownBy(() -> BatonConfig.discover(Map.of("BATON_CONFIG", "missing.yaml"), Map.of(), work, emptyClassLoader()))
                .hasMessage("environment variable BATON_CONFIG names " + work.resolve("missing.yaml") + ", which is no file");
    }

    @Test
    void twoConfigurationFilesInTheWorkingDirectoryAreAnError() throws IOException {
        write("baton.yaml", "server: {port: 1}\n");
        write("baton.properties", "server.port=2\n");

        assertThatThrownBy(() -> BatonConfig.discover(Map.of(), Map.of(), dir, emptyClassLoader()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("the working directory holds more than one Baton configuration file")
                .hasMessageEndingWith("; keep one");
    }

    @Test
    void everySettingOfTheServerBuilderIsAKeyWithItsVariableAndProperty() {
        assertThat(BatonConfig.keys(ServerConfig.Builder.class))
                .contains(new BatonConfig.Key("server.workerThreads", "BATON_SERVER_WORKER_THREADS",
                                "baton.server.workerThreads", "int"),
                        new BatonConfig.Key("server.requestTimeout", "BATON_SERVER_REQUEST_TIMEOUT",
                                "baton.server.requestTimeout", "duration"),
                        new BatonConfig.Key("server.tracing", "BATON_SERVER_TRACING", "baton.server.tracing",
                                "OFF|ON_REQUEST|ALWAYS"))
                .extracting(BatonConfig.Key::key).doesNotContain("server.build", "server.toBuilder");
    }

    private static ClassLoader emptyClassLoader() {
        return new URLClassLoader(new URL[0], null);
    }
}
