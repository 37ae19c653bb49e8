package dev.baton.operations.internal;

import dev.baton.internal.Futures;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.ServerFeature;
import dev.baton.context.RequestContext;
import dev.baton.http.Response;
import dev.baton.internal.ResultAdapter;
import dev.baton.routing.Handler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lets a route marked {@code respondAsync()} run as an operation when its client asks (RFC 7240):
 * {@code Prefer: respond-async} answers 202 at once, {@code wait=N} first waits up to N seconds
 * for the handler's own response. Without a {@code Prefer} the route runs as usual.
 */
public final class RespondAsyncRoutes implements ServerFeature.AsyncResponder {
    /** Kept back from the route's deadline, so that a wait that ends with it still answers in time. */
    private static final Duration MARGIN = Duration.ofMillis(250);

    private final OperationRunner runner;
    private final OperationRoutes routes;
    private final ObjectMapper json;

    public RespondAsyncRoutes(OperationRunner runner, OperationRoutes routes, ObjectMapper json) {
        this.runner = runner;
        this.routes = routes;
        this.json = json;
    }

    @Override
    public Handler wrap(String method, String pattern, Handler handler) {
        String type = method + " " + pattern;
        return StoreOutage.guard(ctx -> {
            Prefer prefer = ctx.request().method().equals("HEAD") ? Prefer.NONE : Prefer.of(ctx.request());
            if (prefer == Prefer.NONE) {
                // HEAD is safe (RFC 9110 9.3.2): it never starts work; every answer varies on Prefer
                return varyOnPrefer(handler.handle(ctx));
            }
            RouteWork work = new RouteWork(handler, ctx);
            String key = IdempotencyKeys.of(ctx.request());
            String fingerprint = key == null ? null
                    : IdempotencyKeys.fingerprint(type + "\n" + ctx.request().uri(), ctx.request().body());
            String owner = runner.config.owner().apply(ctx);
            ObjectNode input = json.createObjectNode().put("method", ctx.request().method()).put("uri", ctx.request().uri());
            return runner.create(type, owner, input, key, fingerprint, work)
                    .thenCompose(created -> answer(ctx, prefer, created.record(), !created.isNew(), work))
                    .exceptionally(OperationRoutes::conflict);
        }, runner.config.retryAfter());
    }

    private static Object varyOnPrefer(Object value) {
        if (value instanceof CompletionStage<?> stage) {
            // failures go on to the application's exception mappers untouched
            return stage.thenApply(v -> ResultAdapter.toResponse(v).withHeader("Vary", "Prefer"));
        }
        return ResultAdapter.toResponse(value).withHeader("Vary", "Prefer");
    }

    private CompletionStage<Response> answer(RequestContext ctx, Prefer prefer, dev.baton.operations.store.OperationRecord r,
                                             boolean replayed, RouteWork work) {
        // a route with no timeout has no deadline to keep back from (and NONE's remaining() overflows millis)
        long budget = ctx.deadline().isNone() ? Long.MAX_VALUE
                : Math.max(0, ctx.deadline().remaining().minus(MARGIN).toMillis());
        long waitMillis = prefer.waitSeconds() <= 0 ? 0
                : Math.min(Math.min(prefer.waitSeconds(), runner.config.maxWait().toSeconds()) * 1000, budget);
        String waited = prefer.waitSeconds() < 0 ? null : "wait=" + (waitMillis / 1000);
        String applied = prefer.respondAsync() ? (waited == null ? "respond-async" : "respond-async, " + waited) : waited;
        if (waitMillis <= 0 || replayed) {
            return CompletableFuture.completedFuture(routes.accepted(ctx, r, replayed, applied));
        }
        CompletableFuture<Object> done = work.outcome.copy().orTimeout(waitMillis, TimeUnit.MILLISECONDS);
        ctx.cancellation().onCancel(why -> done.cancel(false));
        return done.handle((value, error) -> {
            Throwable cause = Futures.unwrap(error);
            if (cause instanceof TimeoutException
                    || cause instanceof java.util.concurrent.CancellationException && !(cause instanceof dev.baton.http.RequestTimeoutException)) {
                // still running, or ended canceled (a DELETE, its own timeout, shutdown): the resource tells which
                return runner.store.get(r.id()).thenApply(latest -> routes.accepted(ctx, latest.orElse(r), false, applied));
            }
            if (cause != null) {
                return CompletableFuture.<Response>failedFuture(cause);
            }
            return CompletableFuture.completedFuture(ResultAdapter.toResponse(value)
                    .withHeader("Preference-Applied", waited).withHeader("Vary", "Prefer"));
        }).thenCompose(s -> s);
    }
}
