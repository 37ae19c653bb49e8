package dev.baton.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Baton server over h2c gives the client's flow-control window back for every body it takes,
 * and refuses or drops the others without a storm of resets, so one connection carries far more
 * than its window. A body never credited back would stall the connection's later streams for
 * good; a stream reset with the client's DATA in flight draws a RST_STREAM from Netty for each
 * frame that follows, and the server's reset limit (200 per 30 s) closed the connection after a
 * handful of refused uploads.
 */
class H2WindowReturnTest {
    private static final int SMALL = 60_000;
    private static final int LARGE = 200_000;

    @Test
    void oneConnectionCarriesMoreThanItsWindowThroughTakenRefusedAndDroppedBodies() throws Exception {
        try (Servers servers = new Servers()) {
            // 64 KiB per stream, the connection's window 100 of those: 6.5 MB, which the run below passes twice
            dev.baton.Server baton = servers.start(c -> c.maxBodySize(100_000), r -> {
                r.post("/size", ctx -> String.valueOf(ctx.request().body().length));
                r.post("/early", ctx -> "early").streamBody(1L << 30); // answered without reading its body
            });
            HttpClient c = servers.client(b -> b.h2PriorKnowledge(true).maxConnectionsPerHost(100).retry(RetryPolicy.none()));

            for (int round = 0; round < 4; round++) {
                List<CompletableFuture<ClientResponse>> calls = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    calls.add(c.post(Servers.url(baton, "/size")).body(RequestBody.of(new byte[SMALL], "application/octet-stream")).send());
                }
                for (int i = 0; i < 5; i++) {
                    calls.add(c.post(Servers.url(baton, "/size")).body(RequestBody.of(new byte[LARGE], "application/octet-stream")).send());
                    calls.add(c.post(Servers.url(baton, "/early")).body(RequestBody.of(new byte[LARGE], "application/octet-stream")).send());
                }
                for (int i = 0; i < 40; i++) {
                    ClientResponse r = calls.get(i).get(30, TimeUnit.SECONDS);
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.text()).isEqualTo(String.valueOf(SMALL));
                }
                for (int i = 40; i < calls.size(); i += 2) {
                    assertThat(calls.get(i).get(30, TimeUnit.SECONDS).status()).isEqualTo(413);
                    ClientResponse early = calls.get(i + 1).get(30, TimeUnit.SECONDS);
                    assertThat(early.status()).isEqualTo(200);
                    assertThat(early.text()).isEqualTo("early");
                }
            }
            assertThat(c.stats().connectionsOpened()).isEqualTo(1);
        }
    }
}
