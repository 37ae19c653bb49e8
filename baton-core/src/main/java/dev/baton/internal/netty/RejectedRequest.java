package dev.baton.internal.netty;

/**
 * A request the {@link StrictRequestScanner} refused. It travels down the pipeline in the
 * place the request would have taken, so earlier pipelined requests are still answered first;
 * the answer always closes the connection.
 */
record RejectedRequest(int status, String detail) {

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
