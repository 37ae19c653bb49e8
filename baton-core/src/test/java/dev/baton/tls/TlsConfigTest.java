package dev.baton.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ServerConfig;
import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS settings: their defaults, their checks, and their keys under server.tls in baton.yaml. */
class TlsConfigTest {

    @Test
    void theDefaultsAreTls13And12WithModernCiphersAndATenSecondHandshake() {
        TlsConfig c = TlsFixtures.pem("a").build();

        assertThat(c.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(c.ciphers()).allMatch(s -> s.contains("GCM") || s.contains("CHACHA20"))
                .filteredOn(s -> s.startsWith("TLS_ECDHE")).isNotEmpty();
        assertThat(c.ciphers()).filteredOn(s -> s.contains("_WITH_")).allMatch(s -> s.startsWith("TLS_ECDHE_"));
        assertThat(c.provider()).isEqualTo(TlsProvider.AUTO);
        assertThat(c.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.reloadInterval()).isZero();
        assertThat(c.clientAuth()).isEqualTo(ClientAuth.NONE);
        assertThat(ServerConfig.builder().build().tls()).isEmpty();
    }

    @Test
    void tlsSettingsLoadFromBatonYamlUnderServerTls(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("baton.yaml"), """
                server:
                  port: 0
                  tls:
                    certificateChain: %s
                    private-key: %s
                    protocols: TLSv1.3
                    provider: jdk
                    handshakeTimeout: 3s
                    reloadInterval: 1m
                """.formatted(TlsFixtures.resource("server-a.pem"), TlsFixtures.resource("server-a.key")));

        TlsConfig tls = BatonConfig.builder().file(file).build().serverConfig().tls().orElseThrow();

        assertThat(tls.certificateChain()).isEqualTo(TlsFixtures.resource("server-a.pem"));
        assertThat(tls.privateKey()).isEqualTo(TlsFixtures.resource("server-a.key"));
        assertThat(tls.protocols()).containsExactly("TLSv1.3");
        assertThat(tls.provider()).isEqualTo(TlsProvider.JDK);
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(tls.reloadInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void anEnvironmentVariableGivesTheTlsSettingsAsOneList() {
        BatonConfig config = BatonConfig.builder().environment(java.util.Map.of("BATON_SERVER_TLS",
                "certificateChain=" + TlsFixtures.resource("server-a.pem") + ",privateKey=" + TlsFixtures.resource("server-a.key")
                        + ",clientAuth=optional,clientTrust=" + TlsFixtures.resource("client.pem"))).build();

        TlsConfig tls = config.serverConfig().tls().orElseThrow();

        assertThat(tls.privateKey()).isEqualTo(TlsFixtures.resource("server-a.key"));
        assertThat(tls.clientAuth()).isEqualTo(ClientAuth.OPTIONAL);
        assertThat(tls.clientTrust()).isEqualTo(TlsFixtures.resource("client.pem"));
    }

    @Test
    void anUnknownTlsKeyIsRefusedWithTheNearestName(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("baton.yaml"), """
                server:
                  tls:
                    certificateChian: /x.pem
                """);

        assertThatThrownBy(() -> BatonConfig.builder().file(file).build().serverConfig())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("certificateChian")
                .hasMessageContaining("did you mean certificateChain");
    }

    @Test
    void aBadTlsValueNamesTheSetting() {
        assertThatThrownBy(() -> ServerConfig.builder().tls("handshakeTimeout", "soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handshakeTimeout").hasMessageContaining("not a duration");
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() {
        assertThatThrownBy(() -> TlsConfig.builder().certificateChain(TlsFixtures.resource("server-a.pem")).build())
                .hasMessageContaining("needs both certificateChain and privateKey");
    }

    @Test
    void pemFilesAndAKeyStoreTogetherAreRefused() {
        assertThatThrownBy(() -> TlsFixtures.pem("a").keyStore(TlsFixtures.resource("server-a.p12")).build())
                .hasMessageContaining("not both");
    }

    @Test
    void aMissingFileIsRefusedByName() {
        assertThatThrownBy(() -> TlsConfig.builder().certificateChain(Path.of("/nowhere/cert.pem"))
                .privateKey(TlsFixtures.resource("server-a.key")).build())
                .hasMessageContaining("certificateChain /nowhere/cert.pem is not a readable file");
    }

    @Test
    void protocolsOlderThanTls12AreRefused() {
        assertThatThrownBy(() -> TlsFixtures.pem("a").protocols("TLSv1.1", "TLSv1.2").build())
                .hasMessageContaining("protocols must be some of [TLSv1.3, TLSv1.2]");
    }

    @Test
    void clientAuthNeedsATrustFileAndATrustFileNeedsClientAuth() {
        assertThatThrownBy(() -> TlsFixtures.pem("a").clientAuth(ClientAuth.REQUIRE).build()).hasMessageContaining("needs clientTrust");
        assertThatThrownBy(() -> TlsFixtures.pem("a").clientTrust(TlsFixtures.resource("client.pem")).build())
                .hasMessageContaining("needs clientTrust");
    }

    @Test
    void passwordsStayOutOfToString() {
        TlsConfig c = TlsConfig.builder().keyStore(TlsFixtures.resource("server-a.p12")).keyStorePassword("changeit").build();

        assertThat(c.toString()).contains("server-a.p12").doesNotContain("changeit");
        assertThat(c.files()).isEqualTo(List.of(TlsFixtures.resource("server-a.p12")));
    }
}
