package dev.baton.operations.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.context.CancellationReason;
import dev.baton.http.Problem;
import dev.baton.operations.OperationStatus;
import dev.baton.operations.OperationType;
import dev.baton.operations.store.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The records an attempt's end leads to: terminal, a retry after a backoff, or released for
 * another node. Pure rules over records; the runner decides when and writes them.
 */
final class Outcomes {
    private final Supplier<Instant> now;

    Outcomes(Supplier<Instant> now) {
        this.now = now;
    }

    OperationRecord terminal(OperationRecord r, OperationStatus status, JsonNode result, Problem error) {
        OperationRecord.Builder b = r.toBuilder().status(status).result(result).error(error).finishedAt(now.get())
                .lease(null, null).notBefore(null).cancelRequested(false);
        if (status == OperationStatus.SUCCEEDED) {
            b.percentComplete(100);
        }
        return b.build();
    }

    /** Back in the queue for another node (a durable store's graceful stop): no attempt is spent. */
    OperationRecord release(OperationRecord r) {
        return r.toBuilder().status(OperationStatus.NOT_STARTED).lease(null, null).notBefore(null).build();
    }

    /**
     * A failed attempt: another after an exponential backoff with full jitter while the type has
     * attempts left (not once a cancel was asked for, nor while stopping), else failed with a
     * problem that says how many attempts it had.
     */
    OperationRecord failedOrRetry(OperationRecord r, OperationType<?> type, Throwable cause, boolean stopping) {
        Problem problem = cause instanceof TimeoutFailure t ? OperationProblems.timedOut(t.timeout)
                : OperationProblems.failed(cause, r.id());
        int max = type == null ? 1 : type.maxAttempts();
        if (r.attempts() < max && !r.cancelRequested() && !stopping) {
            long base = type.backoff().toMillis() << Math.min(20, r.attempts() - 1);
            long delay = base <= 0 ? 0 : ThreadLocalRandom.current().nextLong(base + 1);
            return r.toBuilder().status(OperationStatus.NOT_STARTED).notBefore(now.get().plusMillis(delay)).lease(null, null)
                    .message("attempt " + r.attempts() + " of " + max + " failed (" + problem.detail() + "); the next starts in "
                            + delay + " ms").build();
        }
        if (max > 1) {
            problem = OperationProblems.attemptsExhausted(r.attempts(), problem.detail()).withStatus(problem.status());
        }
        return terminal(r, OperationStatus.FAILED, null, problem);
    }

    /** The planned outcome on top of the latest record (a cancel flag may have been written since). */
    OperationRecord rebase(OperationRecord current, OperationRecord planned) {
        if (planned.status() == OperationStatus.NOT_STARTED && current.cancelRequested()) {
            // a retry planned while a DELETE landed: there is no next attempt
            return current.toBuilder().status(OperationStatus.CANCELED).finishedAt(now.get()).lease(null, null).notBefore(null)
                    .error(OperationProblems.canceled(CancellationReason.CANCEL_REQUESTED)).cancelRequested(false).build();
        }
        return current.toBuilder().status(planned.status()).percentComplete(planned.percentComplete())
                .message(planned.message()).result(planned.result()).error(planned.error()).finishedAt(planned.finishedAt())
                .notBefore(planned.notBefore()).lease(planned.leaseOwner(), planned.leaseUntil()).checkpoint(planned.checkpoint())
                .cancelRequested(planned.isTerminal() ? false : current.cancelRequested()).build();
    }

    /** Marks a timeout among failures, so that it gets its own problem. */
    static final class TimeoutFailure extends RuntimeException {
        final Duration timeout;

        TimeoutFailure(Duration timeout) {
            super("timed out", null, false, false);
            this.timeout = timeout;
        }
    }
}
