package dev.baton.context;

/**
 * Async work started on behalf of a request (outbound calls, background operations), counted
 * so that the server can tell when a response completes while some of it is still running.
 * Such work is cancelled, a warning names the route, and a metric counts it.
 *
 * <pre>{@code
 * PendingWork.Ticket t = ctx.pendingWork().begin("GET inventory", () -> call.abort());
 * call.whenComplete((r, e) -> t.close());
 * }</pre>
 */
public interface PendingWork {

    /**
     * Registers one piece of work. {@code onAbandon} runs if the response completes before
     * the ticket is closed; it should cancel the work.
     */
    Ticket begin(String description, Runnable onAbandon);

    /** How many tickets are open. */
    int pending();

    /** One piece of registered work; closing it (idempotent) says it is done. */
    interface Ticket extends AutoCloseable {
        @Override
        void close();
    }
}
