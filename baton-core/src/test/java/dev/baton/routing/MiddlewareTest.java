package dev.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.http.Response;
import dev.baton.support.TestServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MiddlewareTest {

    static Middleware recording(List<String> log, String name) {
        return (ctx, next) -> {
            log.add(name + " before");
            return next.proceed().whenComplete((r, e) -> log.add(name + " after"));
        };
    }

    @Test
    void middlewareRunsInRegistrationOrderOutermostFirstAndGroupsAddTheirOwn() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (TestServer s = TestServer.start(r -> {
            r.use(recording(log, "global-1"));
            r.get("/plain", ctx -> {
                log.add("handler");
                return "plain";
            });
            r.use(recording(log, "global-2"));
            r.group("/api", api -> {
                api.use(recording(log, "api"));
                api.get("/thing", ctx -> {
                    log.add("handler");
                    return "thing";
                });
            });
        })) {
            assertThat(s.get("/api/thing").body()).isEqualTo("thing");
            assertThat(log).containsExactly("global-1 before", "global-2 before", "api before", "handler",
                    "api after", "global-2 after", "global-1 after");
            log.clear();
            assertThat(s.get("/plain").body()).isEqualTo("plain");
            assertThat(log).containsExactly("global-1 before", "global-2 before", "handler", "global-2 after", "global-1 after");
        }
    }

    @Test
    void middlewareCanShortCircuitWrapAndRunAsync() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        try (TestServer s = TestServer.start(r -> {
            r.use((ctx, next) -> ctx.request().headers().contains("Authorization")
                    ? next.proceed()
                    : CompletableFuture.completedFuture(Response.status(401).header("WWW-Authenticate", "Bearer").build()));
            r.use((ctx, next) -> CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
                    .thenCompose(v -> next.proceed())
                    .thenApply(res -> Response.status(res.status()).header("X-Wrapped", "yes").text("wrapped:" + res.body().getClass().getSimpleName())));
            r.get("/secret", ctx -> {
                handled.incrementAndGet();
                return "secret";
            });
        })) {
            var denied = s.get("/secret");
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(handled).hasValue(0);
            var ok = s.send(s.request("/secret").header("Authorization", "Bearer t").build());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("X-Wrapped")).hasValue("yes");
            assertThat(ok.body()).isEqualTo("wrapped:byte[]");
            assertThat(handled).hasValue(1);
        }
    }

    @Test
    void callingNextTwiceIsAnErrorNamingTheMiddleware() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.use((ctx, next) -> {
                next.proceed();
                try {
                    return next.proceed();
                } catch (IllegalStateException e) {
                    return CompletableFuture.completedFuture(Response.status(500).text(e.getMessage()));
                }
            });
            r.get("/twice", ctx -> "once");
        })) {
            var res = s.get("/twice");
            assertThat(res.body()).contains("called next.proceed() more than once", "GET /twice", "MiddlewareTest");
        }
    }

    @Test
    void aMiddlewareReturningNullFailsTheRequestWith500() throws Exception {
        try (TestServer s = TestServer.start(r -> {
            r.use((ctx, next) -> null);
            r.get("/null", ctx -> "never");
        })) {
            var res = s.get("/null");
            assertThat(res.statusCode()).isEqualTo(500);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void aTimeoutCancelsTheHandlersStageThroughTheMiddlewareChain() throws Exception {
        CompletableFuture<String> inner = new CompletableFuture<>();
        try (TestServer s = TestServer.start(r -> {
            r.use((ctx, next) -> next.proceed());
            // on the event loop the chain has run (and returned inner) before the timer is armed; on a
            // worker a slow machine could time the request out while queued, before inner is returned
            r.get("/slow", ctx -> inner).timeout(java.time.Duration.ofMillis(150))
                    .execution(dev.baton.ExecutionModel.EVENT_LOOP);
        })) {
            assertThat(s.get("/slow").statusCode()).isEqualTo(504);
            dev.baton.support.Await.until("inner stage cancelled", java.time.Duration.ofSeconds(5), inner::isCancelled);
        }
    }
}
