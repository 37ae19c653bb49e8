package dev.baton.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.context.TraceParent;
import dev.baton.support.LogCapture;
import dev.baton.support.RawH2;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What watches a request on HTTP/1.1 watches it on HTTP/2: access log, metrics, trace context, middleware. */
class Http2ObservabilityTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void aStreamIsLoggedCountedTracedAndSeenByMiddleware() throws Exception {
        try (LogCapture log = LogCapture.start();
             TestServer s = TestServer.start(c -> c.accessLog(true), r -> {
                 r.use((ctx, next) -> next.proceed().thenApply(res -> res.withHeader("x-seen", "yes")));
                 r.get("/trace/{id}", ctx -> ctx.traceParent().map(TraceParent::traceId).orElse("none"));
             });
             RawH2 h2 = new RawH2(s.port())) {
            var head = RawH2.request("GET", "/trace/7").set("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01");
            RawH2.Answer a = h2.answer(h2.headers(h2.nextStreamId(), head, true));
            assertThat(a.body()).isEqualTo(TRACE);
            assertThat(a.headers().get("x-seen").toString()).isEqualTo("yes");
            String line = log.await("dev.baton.access", "/trace/7", Duration.ofSeconds(5));
            assertThat(line).contains("GET").contains(" 200 ").contains("/trace/{id}").contains(TRACE);
            RawH2.Answer missing = h2.answer(h2.send("GET", "/nowhere"));
            assertThat(missing.status()).isEqualTo(404);
            log.await("dev.baton.access", "/nowhere", Duration.ofSeconds(5));
            Await.until("counted", Duration.ofSeconds(5), () -> s.server.stats().completed() >= 1 && s.server.stats().inFlight() == 0);
            assertThat(s.server.stats().openConnections()).isEqualTo(1);
        }
    }
}
