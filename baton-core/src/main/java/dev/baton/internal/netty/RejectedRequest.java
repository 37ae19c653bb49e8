package dev.baton.internal.netty;

/**
 * A request the {@link StrictRequestScanner} refused. It travels down the pipeline in the
 * place the request would have taken, so earlier pipelined requests are still answered first;
 * the answer always closes the connection.
 */
record RejectedRequest(int status, String detail) {
}
