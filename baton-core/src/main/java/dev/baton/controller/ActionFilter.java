package dev.baton.controller;

/**
 * Code that runs around controller actions: before (may answer instead of the action), after
 * (may replace the result) and on exception (may recover or rethrow). Each method may return a
 * {@link java.util.concurrent.CompletionStage} to do its work asynchronously; the next step waits
 * for it without holding a thread.
 *
 * <p>Filters run outermost first by {@link #order()}; at equal order global filters wrap class
 * filters, which wrap action filters. {@code after} and {@code onException} run in the reverse
 * order, innermost first. Declared with {@link Filters} or registered on the server builder with
 * {@code actionFilter(...)}.
 *
 * <pre>{@code
 * class AuditFilter implements ActionFilter {
 *     public Object before(ActionContext a) { audit.log(a.method().getName(), a.arguments()); return null; }
 * }
 * }</pre>
 */
public interface ActionFilter {

    /**
     * Runs before the action, after binding. Return {@code null} (or a stage of {@code null}) to
     * go on, or a result to answer with instead of the action: the outer filters' {@code after}
     * still runs, this filter's does not.
     */
    default Object before(ActionContext action) throws Exception {
        return null;
    }

    /**
     * Runs when the action (and the filters inside this one) succeeded. Returns the result to
     * write, {@link ActionContext#result()} to keep it, or a stage of it.
     */
    default Object after(ActionContext action) throws Exception {
        return action.result();
    }

    /**
     * Runs when the action or an inner filter failed (a thrown exception or a failed stage,
     * unwrapped). Rethrow (the default), throw another exception, or return a result to recover.
     */
    default Object onException(ActionContext action, Throwable error) throws Throwable {
        throw error;
    }

    /** Lower runs first on the way in and last on the way out; 0 by default. */
    default int order() {
        return 0;
    }
}
