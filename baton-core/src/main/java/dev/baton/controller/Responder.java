package dev.baton.controller;

/**
 * The begin/end style (ASP.NET's {@code IHttpAsyncHandler}) for wrapping callback libraries: an
 * action that returns {@code void} and takes a {@code Responder} releases its thread at once; the
 * response is written when a callback calls {@link #complete} or {@link #fail}, from any thread.
 * Exactly one call counts; later ones are ignored with a warning. If neither is ever called, the
 * route's timeout answers.
 *
 * <pre>{@code
 * @Get("/weather/{city}")
 * void weather(String city, Responder responder) {
 *     legacy.fetch(city, new Callback() {
 *         public void onSuccess(Weather w) { responder.complete(w); }
 *         public void onError(Exception e) { responder.fail(e); }
 *     });
 * }
 * }</pre>
 */
public interface Responder {

    /** Answers with {@code value}, as if the action had returned it; false if already answered. */
    boolean complete(Object value);

    /** Answers with the error, as if the action had thrown it; false if already answered. */
    boolean fail(Throwable error);
}
