package dev.baton.client;

import static dev.baton.client.Servers.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ExecutionModel;
import dev.baton.Server;
import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's settings from outside the code: client.* keys, BATON_CLIENT_* variables, baton.client.* properties. */
class ClientConfigurationTest {
    @TempDir
    Path dir;

    static ClientConfig configOf(BatonConfig config) {
        try (HttpClient client = config.applyTo(HttpClient.builder()).eventLoopThreads(1).build()) {
            return client.config();
        }
    }

    @Test
    void aFileSetsTheClientAndTheEnvironmentAndSystemPropertiesOverrideIt() throws IOException {
        Path file = Files.writeString(dir.resolve("baton.yaml"), """
                client:
                  maxConnectionsPerHost: 10
                  connectTimeout: 2s
                  userAgent: inventory-front/1.0
                  perHost:
                    "inventory:8080": 40
                    "billing:443": 4
                """);
        BatonConfig config = BatonConfig.builder().file(file)
                .environment(Map.of("BATON_CLIENT_MAX_CONNECTIONS_PER_HOST", "20", "BATON_CLIENT_PER_HOST", "billing:443=6"))
                .systemProperties(Map.of("baton.client.propagateDeadline", "false", "baton.client.perHost.search:80", "2"))
                .build();

        ClientConfig c = configOf(config);

        assertThat(c.maxConnectionsPerHost()).isEqualTo(20);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.userAgent()).isEqualTo("inventory-front/1.0");
        assertThat(c.propagateDeadline()).isFalse();
        assertThat(c.perHost()).isEqualTo(Map.of("inventory:8080", 40, "billing:443", 6, "search:80", 2));
        assertThat(config.origin("client.perHost.billing:443")).isEqualTo("environment variable BATON_CLIENT_PER_HOST");
    }

    @Test
    void whatTheCodeSetsOverridesTheOutsideSettingsHostLimitsIncluded() {
        BatonConfig config = BatonConfig.builder()
                .environment(Map.of("BATON_CLIENT_PER_HOST", "inventory:8080=40", "BATON_CLIENT_TIMEOUT", "1s"))
                .build();

        try (HttpClient client = config.applyTo(HttpClient.builder()).eventLoopThreads(1)
                .perHost("Inventory:8080", 3).timeout(Duration.ofSeconds(9)).build()) {
            assertThat(client.config().limitFor("inventory:8080")).isEqualTo(3);
            assertThat(client.config().timeout()).isEqualTo(Duration.ofSeconds(9));
        }
    }

    @Test
    void aSettingOnlyCodeCanGiveIsAnErrorSayingWhatItTakes() {
        assertThatThrownBy(() -> BatonConfig.builder().environment(Map.of("BATON_CLIENT_RETRY", "none")).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("client.retry (environment variable BATON_CLIENT_RETRY) cannot be set outside the code: "
                        + "retry takes RetryPolicy");
    }

    @Test
    void aBadMapEntryOrAValueOutOfRangeNamesItsKeyAndSource() {
        assertThatThrownBy(() -> BatonConfig.builder().environment(Map.of("BATON_CLIENT_PER_HOST", "inventory:8080")).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("client.perHost (environment variable BATON_CLIENT_PER_HOST): 'inventory:8080' is not a list "
                        + "of key=value, such as inventory:8080=16,billing:443=4");
        BatonConfig zero = BatonConfig.builder().systemProperties(Map.of("baton.client.maxConnectionsPerHost", "0")).build();
        assertThatThrownBy(() -> zero.applyTo(HttpClient.builder()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("client.maxConnectionsPerHost = 0 (system property baton.client.maxConnectionsPerHost): "
                        + "maxConnectionsPerHost must be > 0");
    }

    @Test
    void httpClientBuilderPicksUpASystemPropertyByItselfAndCallsObeyIt() throws Exception {
        try (Servers servers = new Servers()) {
            Server backend = servers.start(r -> r.get("/", ctx -> "ok").execution(ExecutionModel.EVENT_LOOP));
            String host = "127.0.0.1:" + backend.port();
            System.setProperty("baton.client.perHost." + host, "3");
            HttpClient client;
            try {
                client = servers.client(b -> { });
            } finally {
                System.clearProperty("baton.client.perHost." + host);
            }

            assertThat(client.get(url(backend, "/")).send(BodyReader.text()).get(5, TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(client.stats().hosts().get(host).limit()).isEqualTo(3);
        }
    }

    @Test
    void theDefaultsTableListsEveryClientSetting() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Defaults\n");
        int end = readme.indexOf("\n## ", start + 1);
        Set<String> documented = new TreeSet<>();
        readme.substring(start, end).lines().filter(l -> l.startsWith("| `")).forEach(l -> {
            String cell = l.substring(3, l.indexOf('`', 3));
            documented.add(cell.replaceFirst("^\\.", "").replaceFirst("\\(.*", ""));
        });

        assertThat(start).isNotNegative();
        assertThat(BatonConfig.keys(HttpClient.Builder.class))
                .as("baton-client/README.md, \"Defaults\": every setting has a row")
                .allSatisfy(k -> assertThat(documented).contains(k.key().substring("client.".length()).replace(".<key>", "")));
    }
}
