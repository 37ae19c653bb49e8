package dev.baton.internal.netty;

import dev.baton.http.Problem;
import dev.baton.http.Response;

/**
 * How an HTTP/1.1 connection's answers leave: each written by its {@link ResponseWriter} and
 * counted by the {@link RequestAccounting}, its access-log line given the bytes written. An
 * answer is counted before its bytes leave, so that a client never sees its response before the
 * numbers do. Keeps when the last answer went, for the connection's idle clock. Event loop only.
 */
final class ConnectionAnswers {
    private final ServerParts server;
    private final ResponseWriter writer;
    private final RequestAccounting accounting;
    /** When the last response was handed to the connection (System.nanoTime). */
    private long lastAnswerNanos;

    ConnectionAnswers(ServerParts server, ResponseWriter writer) {
        this.server = server;
        this.writer = writer;
        this.accounting = new RequestAccounting(server);
    }

    long lastAnswerNanos() {
        return lastAnswerNanos;
    }

    /** The connection opened: its idle clock starts now. */
    void opened() {
        lastAnswerNanos = System.nanoTime();
    }

    /** {@code ex}'s answer, written and counted; {@code linger}: close only once the client's unread body is in. */
    void answer(Exchange ex, ResponseRenderer.Rendered answer, boolean close, boolean linger) {
        int status = answer.response().status();
        counted(ex, status >= 500);
        ex.listener.sent(status, writer.write(ex, answer, close, linger));
    }

    /** The client left before {@code ex} was answered: counted, and logged as gone. */
    void clientGone(Exchange ex) {
        counted(ex, false);
        ex.listener.sent(AccessLog.CLIENT_GONE, 0);
    }

    /** A handshake that others followed on its connection: 400, and the connection closes. */
    void upgradeRefused(Exchange ex) {
        Response refusal = Problem.of(400, "a WebSocket handshake must be the last request on its connection")
                .withInstance(ex.request.path()).toResponse();
        ex.listener.sent(400, writer.write(ex, server.renderer().own(refusal), true));
    }

    /** The server stopped before {@code ex} was answered: 503, and the connection closes. */
    void shutDown(Exchange ex) {
        int bytes = writer.writeOwn(server.renderer().unavailable("the server shut down before the request completed", ex.request.path()),
                ex.head, true, false);
        counted(ex, true);
        ex.listener.sent(503, bytes);
    }

    /** An answer no handler made (404, 405, OPTIONS, 503, a rejected request). */
    void refused(Dispatch.Refused refused, boolean close) {
        accounting.refused(refused, writer.writeOwn(refused.response(), refused.head(), close, refused.forceClose()));
    }

    /** {@code ex} ended other than by an answer written here (a switch of protocols): counted. */
    void counted(Exchange ex, boolean error) {
        lastAnswerNanos = accounting.answered(ex, error);
    }

    /** A streamed answer ended: its request is done. */
    void streamEnded() {
        lastAnswerNanos = accounting.streamEnded();
    }

    /** No request is in flight on the connection any more. */
    void idle() {
        accounting.idle();
    }
}
