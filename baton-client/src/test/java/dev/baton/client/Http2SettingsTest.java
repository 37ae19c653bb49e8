package dev.baton.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP/2 settings from outside the code (client.protocols, client.h2PriorKnowledge, client.h2PriorKnowledgeFor) and in it. */
class Http2SettingsTest {
    @TempDir
    Path dir;

    @Test
    void aFileSetsTheProtocolsAndWhichHostsSpeakH2c() throws IOException {
        Path file = Files.writeString(dir.resolve("baton.yaml"), """
                client:
                  protocols: http/1.1
                  h2PriorKnowledge: true
                  h2PriorKnowledgeFor:
                    "Legacy:8080": false
                """);
        BatonConfig config = BatonConfig.builder().file(file)
                .environment(Map.of("BATON_CLIENT_H2_PRIOR_KNOWLEDGE_FOR", "inventory:9000=false")).build();

        ClientConfig c = ClientConfigurationTest.configOf(config);

        assertThat(c.protocols()).containsExactly(Protocol.HTTP_1_1);
        assertThat(c.h2PriorKnowledge("search:8080")).isTrue();
        assertThat(c.h2PriorKnowledge("legacy:8080")).isFalse();
        assertThat(c.h2PriorKnowledge("inventory:9000")).isFalse();
    }

    @Test
    void theDefaultsOfferH2ThenHttp11ByAlpnAndSpeakHttp11InCleartext() {
        ClientConfig c = ClientConfigurationTest.configOf(BatonConfig.builder().build());

        assertThat(c.protocols()).containsExactly(Protocol.HTTP_2, Protocol.HTTP_1_1);
        assertThat(c.h2PriorKnowledge("anything:80")).isFalse();
    }

    @Test
    void protocolsReadAlpnIdsInTheirOrderAndRejectOthersByName() {
        assertThat(Protocol.parseList(" H2 , http/1.1,h2")).isEqualTo(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
        BatonConfig bad = BatonConfig.builder().systemProperties(Map.of("baton.client.protocols", "h3")).build();

        assertThatThrownBy(() -> ClientConfigurationTest.configOf(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("client.protocols").hasMessageContaining("'h3' is no protocol the client speaks");
        assertThatThrownBy(() -> HttpClient.builder().protocols().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("protocols must name at least one protocol");
    }
}
