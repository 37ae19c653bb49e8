package dev.baton.internal;

import dev.baton.http.Problem;
import dev.baton.http.Response;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Turns what a handler returns into a {@link Response}, or a stage of one. */
public final class ResultAdapter {
    private ResultAdapter() {
    }

    public static Response toResponse(Object value) {
        if (value == null) {
            return Response.noContent();
        }
        if (value instanceof Response r) {
            return r;
        }
        if (value instanceof CharSequence s) {
            return Response.of(200, "text/plain; charset=utf-8", s.toString().getBytes(StandardCharsets.UTF_8));
        }
        if (value instanceof byte[] b) {
            return Response.of(200, "application/octet-stream", b);
        }
        if (value instanceof java.util.Optional<?> o) {
            // a response, not an exception: middleware after the handler sees a 404 it can decorate
            return o.isPresent() ? toResponse(o.get()) : Problem.of(404, "not found").toResponse();
        }
        return Response.json(value);
    }

    /** A stage of the response: already complete for a plain value, so a sync handler costs no hop. */
    public static CompletionStage<Response> toResponseStage(Object value) {
        if (value instanceof CompletionStage<?> stage) {
            return Futures.map(stage, ResultAdapter::toResponse);
        }
        return CompletableFuture.completedFuture(toResponse(value));
    }

    /** True for a stage that has not completed yet (or cannot say): the handler's thread is released. */
    public static boolean isPending(Object result) {
        if (result instanceof CompletionStage<?> stage) {
            CompletableFuture<?> cf = cancellable(stage);
            return cf == null || !cf.isDone();
        }
        return false;
    }

    /** The stage as a future that may be queried and cancelled; null for stages that forbid it (minimal stages, foreign types). */
    public static CompletableFuture<?> cancellable(CompletionStage<?> stage) {
        if (stage instanceof CompletableFuture<?> f) {
            try {
                f.isDone();
                return f;
            } catch (UnsupportedOperationException e) {
                return null;
            }
        }
        return null;
    }
}
