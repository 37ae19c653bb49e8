package dev.baton.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import dev.baton.client.ClientResponse;
import dev.baton.testing.BatonExtension;
import dev.baton.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The absolute URL of an operation takes the scheme the request came with. */
class OperationLocationOverHttpsTest {
    @RegisterExtension
    static final BatonExtension app = BatonExtension.of(() -> Server.builder().feature(Operations.builder()
            .type(OperationType.of("noop", Void.class, (in, op) -> "done")).build())).https();

    @Test
    void anOperationStartedOverHttpsIsLocatedByAnHttpsUrl(TestClient client) {
        ClientResponse created = client.send(client.post("/operations/noop"));

        assertThat(created.status()).isEqualTo(202);
        assertThat(created.header("Operation-Location").orElseThrow())
                .startsWith("https://127.0.0.1:" + client.baseUri().getPort() + "/operations/");
    }
}
