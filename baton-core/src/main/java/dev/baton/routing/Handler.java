package dev.baton.routing;

import dev.baton.context.RequestContext;

/**
 * The one handler type. Return a plain value and it is written at once, on the same thread;
 * return a {@link java.util.concurrent.CompletionStage} and the thread goes back to its pool,
 * the response being written when the stage completes, from whatever thread completes it.
 *
 * <p>Values: {@code String} (text/plain), {@code byte[]}, {@link dev.baton.http.Response},
 * {@code null} or {@code Void} (204), and any other object as JSON.
 *
 * <pre>{@code Handler hello = ctx -> "Hello, World!";
 * Handler later = ctx -> backend.fetch(id).thenApply(Gizmo::name);}</pre>
 */
@FunctionalInterface
public interface Handler {
    Object handle(RequestContext ctx) throws Exception;
}
