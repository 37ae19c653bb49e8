package dev.baton.operations.client;

/**
 * One step of an operation, as the progress callback of {@link OperationsClient} sees it. The
 * callback gets one only when the status, the percentage or the message changed, in order, on
 * the follow's own (virtual) thread, never two at once.
 *
 * <pre>{@code ops.submit("report", input, Report.class, p -> bar.set(p.percentComplete(), p.message()));}</pre>
 *
 * @param id              the operation's id (the service's {@code id} member, else the last segment of its URL)
 * @param status          where it is; the terminal state comes last, just before the future completes
 * @param percentComplete 0..100; 0 when the service gives none, 100 once succeeded
 * @param message         the service's {@code message} member, or null
 */
public record OperationProgress(String id, OperationState status, int percentComplete, String message) {
}
