package dev.baton.internal.netty;

import dev.baton.http.Problem;

/**
 * A request the {@link StrictRequestScanner} refused. It travels down the pipeline in the
 * place the request would have taken, so earlier pipelined requests are still answered first;
 * the answer always closes the connection. {@code head}: the refused request was a HEAD.
 */
record RejectedRequest(int status, String detail, boolean head) {

    RejectedRequest(int status, String detail) {
        this(status, detail, false);
    }

    /** The same refusal of a HEAD request: answered without a body (RFC 9110 9.3.2). */
    RejectedRequest toHead() {
        return new RejectedRequest(status, detail, true);
    }

    /** Its answer: the connection closes after it; the access log does not repeat a method and target that broke the grammar. */
    Dispatch.Refused toRefused() {
        return new Dispatch.Refused(Problem.of(status, detail).toResponse(), false, head, true,
                new Dispatch.Refused.Line(null, null, null, System.nanoTime()));
    }

    /** Thrown where a rule is broken, deep in the scanner; caught at its top and sent on as a {@link RejectedRequest}. */
    static final class Violation extends RuntimeException {
        final int status;

        Violation(int status, String detail) {
            super(detail, null, false, false);
            this.status = status;
        }

        RejectedRequest toRequest() {
            return new RejectedRequest(status, getMessage());
        }
    }
}
