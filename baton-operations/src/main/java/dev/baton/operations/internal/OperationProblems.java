package dev.baton.operations.internal;

import dev.baton.context.CancellationReason;
import dev.baton.http.HttpException;
import dev.baton.http.Problem;
import java.time.Duration;
import java.util.Map;

/** The RFC 9457 problems an operation can end with. */
final class OperationProblems {
    private static final String BASE = "https://baton.dev/problems/operation-";

    private OperationProblems() {
    }

    static Problem canceled(CancellationReason why) {
        if (why == CancellationReason.SHUTDOWN) {
            return new Problem(BASE + "shutdown", "The server stopped", 503,
                    "the server running the operation stopped before it finished", null, Map.of());
        }
        return new Problem(BASE + "canceled", "The operation was canceled", 409,
                "the operation was canceled before it finished", null, Map.of());
    }

    static Problem timedOut(Duration timeout) {
        return new Problem(BASE + "timeout", "The operation timed out", 504,
                "the operation did not finish within " + human(timeout), null, Map.of());
    }

    /** A failure the handler threw: an HttpException says what the caller may see; anything else only that it failed. */
    static Problem failed(Throwable error, String id) {
        if (error instanceof HttpException he) {
            return Problem.of(he.status(), he.getMessage());
        }
        return new Problem(BASE + "failed", "The operation failed", 500,
                "the operation failed unexpectedly; the server's log has the details of operation " + id, null, Map.of());
    }

    static Problem attemptsExhausted(int attempts, String detail) {
        return new Problem(BASE + "failed", "The operation failed", 500, detail + " (after " + attempts + " attempts)",
                null, Map.of());
    }

    static Problem nodeLost(int times, int maxAttempts) {
        return new Problem(BASE + "node-lost", "The operation was lost", 503,
                "the node running it was lost " + times + (times == 1 ? " time" : " times") + "; it may run "
                        + maxAttempts + (maxAttempts == 1 ? " attempt" : " attempts") + " in all, so it was not run again",
                null, Map.of());
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
