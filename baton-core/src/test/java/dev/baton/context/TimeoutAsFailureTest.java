package dev.baton.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.Server;
import dev.baton.controller.ActionContext;
import dev.baton.controller.ActionFilter;
import dev.baton.controller.Controller;
import dev.baton.controller.Filters;
import dev.baton.controller.Get;
import dev.baton.controller.Timeout;
import dev.baton.http.RequestTimeoutException;
import dev.baton.http.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimeoutAsFailureTest {
    static final List<String> seen = new CopyOnWriteArrayList<>();
    static final CompletableFuture<Object> controllerStage = new CompletableFuture<>();

    public static class SeesTimeout implements ActionFilter {
        @Override
        public Object onException(ActionContext a, Throwable error) throws Throwable {
            seen.add("filter:" + error.getClass().getSimpleName());
            throw error;
        }
    }

    @Controller("/c")
    public static class Slow {
        @Get("/filtered")
        @Timeout(100)
        @Filters(SeesTimeout.class)
        public CompletionStage<Object> filtered() {
            return controllerStage;
        }
    }

    private final CompletableFuture<String> pending = new CompletableFuture<>();
    private final CompletableFuture<CancellationReason> token = new CompletableFuture<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private Server server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        seen.clear();
        server = Server.builder().config(c -> c.port(0).host("127.0.0.1"))
                .routing(r -> {
                    r.use((ctx, next) -> next.proceed().exceptionally(e -> {
                        Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                        seen.add("middleware:" + cause.getClass().getSimpleName());
                        if (cause instanceof RuntimeException re) {
                            throw re;
                        }
                        throw new CompletionException(cause);
                    }));
                    r.get("/async", ctx -> {
                        ctx.cancellation().onCancel(token::complete);
                        return pending;
                    }).timeout(Duration.ofMillis(100));
                    r.get("/blocking", ctx -> {
                        release.await(10, TimeUnit.SECONDS);
                        return "late";
                    }).timeout(Duration.ofMillis(100));
                    r.get("/hang", ctx -> new CompletableFuture<String>()).timeout(Duration.ofMillis(100));
                    r.get("/self-cancel", ctx -> {
                        // the documented style: cancel your own stage when the token fires
                        CompletableFuture<String> f = new CompletableFuture<>();
                        ctx.cancellation().onCancel(why -> f.cancel(false));
                        return f;
                    }).timeout(Duration.ofMillis(100));
                })
                .controllers(new Slow())
                .exceptionMapper(RequestTimeoutException.class, (e, ctx) -> {
                    if (ctx.request().path().equals("/hang")) {
                        // a mapper that itself never returns must not hold the answer
                        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(30));
                    }
                    return Response.status(504).header("X-Timeout", e.timeout().toMillis())
                            .html("<h1>Sorry, that took too long</h1>");
                })
                .build().start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(Duration.ofSeconds(1));
        client.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTimeoutIsAFailureMiddlewareSeesAndAMapperRenders() throws Exception {
        HttpResponse<String> r = get("/async");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("Sorry, that took too long");
        assertThat(r.headers().firstValue("X-Timeout")).hasValue("100");
        assertThat(seen).containsExactly("middleware:RequestTimeoutException");
        assertThat(token.get(5, TimeUnit.SECONDS)).isEqualTo(CancellationReason.TIMEOUT);
        // the handler's own stage is cancelled: its late complete() is refused
        assertThat(pending).isCancelled();
        assertThat(pending.complete("too late")).isFalse();
        assertThat(server.stats().timedOut()).isEqualTo(1);
    }

    @Test
    void aHandlerThatCancelsItsOwnStageOnTheTokenStillTimesOutAsATimeout() throws Exception {
        HttpResponse<String> r = get("/self-cancel");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("Sorry");
        assertThat(seen).containsExactly("middleware:RequestTimeoutException");
    }

    @Test
    void anActionFilterSeesTheTimeoutInOnException() throws Exception {
        HttpResponse<String> r = get("/c/filtered");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("Sorry");
        assertThat(seen).containsExactly("filter:RequestTimeoutException", "middleware:RequestTimeoutException");
        assertThat(controllerStage).isCancelled();
    }

    @Test
    void aHandlerStillHoldingItsThreadIsRenderedByTheMapperToo() throws Exception {
        HttpResponse<String> r = get("/blocking");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("Sorry");
    }

    @Test
    void aMapperThatHangsCannotHoldTheAnswerPastTheGrace() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = get("/hang");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(ms).isLessThan(10_000); // 100 ms timeout + 1 s grace, far below the mapper's 30 s
    }
}
