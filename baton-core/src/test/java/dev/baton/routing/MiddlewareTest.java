package dev.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.http.Response;
import dev.baton.support.TestServer;
import dev.baton.testing.await.Await;
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
    void theServersMiddlewareSeesRequestsNoRouteAnswersAndCanAnswerAPreflight() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TestServer s = TestServer.start(r -> {
            r.use((ctx, next) -> {
                seen.add(ctx.request().method() + " " + ctx.request().path());
                return next.proceed().thenApply(res -> res.withHeader("X-Seen", "yes"));
            });
            // a CORS middleware answers preflights itself: the automatic OPTIONS never sees them
            r.use((ctx, next) -> ctx.request().method().equals("OPTIONS") && ctx.request().headers().contains("Origin")
                    ? CompletableFuture.completedFuture(Response.status(204).header("Access-Control-Allow-Methods", "GET, PUT").build())
                    : next.proceed());
            r.get("/thing", ctx -> "thing");
            r.group("/api", api -> api.use((ctx, next) -> {
                seen.add("group middleware");
                return next.proceed();
            }));
        })) {
            var missing = s.get("/nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("X-Seen")).hasValue("yes");
            var wrong = s.send(s.request("/thing").PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(wrong.statusCode()).isEqualTo(405);
            assertThat(wrong.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
            assertThat(wrong.headers().firstValue("X-Seen")).hasValue("yes");
            var options = s.send(s.request("/thing").method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(options.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
            var preflight = s.send(s.request("/thing").header("Origin", "https://example.com")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, PUT");
            assertThat(s.get("/api/nope").statusCode()).isEqualTo(404);
            // the server's middleware saw every one; a group's only its own routes
            assertThat(seen).containsExactly("GET /nope", "PUT /thing", "OPTIONS /thing", "OPTIONS /thing", "GET /api/nope");
            assertThat(s.server.stats().routes()).containsOnlyKeys("GET /thing");
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
            Await.until("inner stage cancelled", java.time.Duration.ofSeconds(5), inner::isCancelled);
        }
    }
}
