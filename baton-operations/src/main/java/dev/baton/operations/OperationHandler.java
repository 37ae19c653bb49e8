package dev.baton.operations;

/**
 * The work of one operation type. Return the result as a plain value (the handler then runs on a
 * virtual thread of its own, where blocking is fine) or as a {@link java.util.concurrent.CompletionStage}
 * (no thread waits for it). The result is stored as JSON; {@code null} is a result too.
 * Throw {@link dev.baton.http.HttpException} to fail with a status and detail the caller sees.
 *
 * <pre>{@code OperationHandler<ReportRequest> h = (input, op) -> { op.progress(50, "half"); return build(input); };}</pre>
 */
@FunctionalInterface
public interface OperationHandler<I> {
    Object run(I input, OperationContext op) throws Exception;
}
