package dev.baton.operations.client;

import dev.baton.http.Problem;

/**
 * An operation ended without a result: it {@link OperationState#FAILED failed}, or it was
 * {@link OperationState#CANCELED canceled} on the server's side (by another client's
 * {@code DELETE}, or because the server stopped). {@link #status()} tells the two apart.
 *
 * <p>It means the operation existed and ran. A request the service refused before any operation
 * existed (an unknown type, bad input, a full queue) fails with baton-client's
 * {@link dev.baton.client.HttpStatusException} instead, whose response holds the problem. A future
 * the caller cancelled itself fails with a {@link java.util.concurrent.CancellationException}.
 *
 * <pre>{@code
 * try { report.join(); } catch (CompletionException e) {
 *     if (e.getCause() instanceof OperationFailedException f) log.warn("{}: {}", f.operationId(), f.problem().detail());
 * }
 * }</pre>
 */
public class OperationFailedException extends RuntimeException {
    private final String operationId;
    private final OperationState status;
    private final transient Problem problem;

    public OperationFailedException(String operationId, OperationState status, Problem problem) {
        super("operation " + operationId + " ended " + status.name().toLowerCase(java.util.Locale.ROOT)
                + (problem.detail() != null ? ": " + problem.detail()
                        : problem.title() != null ? ": " + problem.title() : ""));
        this.operationId = operationId;
        this.status = status;
        this.problem = problem;
    }

    public String operationId() {
        return operationId;
    }

    /** {@link OperationState#FAILED} or {@link OperationState#CANCELED}. */
    public OperationState status() {
        return status;
    }

    /**
     * The operation's {@code error} member as an RFC 9457 problem; never null. A Microsoft-style
     * error ({@code code}, {@code message}) becomes title and detail, and its members stay as
     * extensions. When the service gave no error at all, the problem only says so; its
     * {@code status} is 0 whenever the service gave none (an operation's error need not be an
     * HTTP status).
     */
    public Problem problem() {
        return problem;
    }
}
