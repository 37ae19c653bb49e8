/**
 * Annotated controllers: classes whose methods are mapped to routes with {@link dev.baton.controller.Get},
 * {@link dev.baton.controller.Post}, ..., their parameters bound from the path, query, headers and
 * JSON body, compiled at startup into the same routes as functional handlers.
 *
 * <pre>{@code
 * @Controller("/gizmos")
 * public class GizmoController {
 *     @Get("/{id}") CompletionStage<Gizmo> find(UUID id) { return store.find(id); }
 *     @Post Response create(@Body NewGizmo g) { ... }
 * }
 * Server.builder().controllers(new GizmoController(store)).build().start();
 * }</pre>
 *
 * An action's return type picks its style: a value (written inline), a {@code CompletionStage}
 * (the thread is released), {@code void} with a {@link dev.baton.controller.Responder}
 * (begin/end), or {@code void} with {@link dev.baton.controller.AsyncOperations} (event-based).
 * See {@code baton-core/CONTROLLERS.md}.
 */
package dev.baton.controller;
