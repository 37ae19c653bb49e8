package dev.baton.operations.internal;

import dev.baton.internal.Futures;
import dev.baton.http.Problem;
import dev.baton.http.Response;
import dev.baton.operations.store.StoreUnavailableException;
import dev.baton.routing.Handler;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Answers a request whose store call failed because the store is down with {@code 503} and
 * {@code Retry-After}: the client learns to come back, not that the server broke (a 500), and
 * sees no driver message.
 */
final class StoreOutage {
    private StoreOutage() {
    }

    static Handler guard(Handler handler, Duration retryAfter) {
        long seconds = Math.max(1, retryAfter.toSeconds());
        return ctx -> {
            Object value;
            try {
                value = handler.handle(ctx);
            } catch (StoreUnavailableException e) {
                return unavailable(seconds);
            }
            if (value instanceof CompletionStage<?> stage) {
                return stage.handle((v, e) -> {
                    if (e == null) {
                        return v;
                    }
                    if (Futures.unwrap(e) instanceof StoreUnavailableException) {
                        return unavailable(seconds);
                    }
                    throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                });
            }
            return value;
        };
    }

    private static Response unavailable(long retryAfterSeconds) {
        return Problem.of(503, "the operations store is unavailable; try again shortly").toResponse()
                .withHeader("Retry-After", retryAfterSeconds);
    }
}
