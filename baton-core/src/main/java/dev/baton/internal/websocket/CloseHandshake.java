package dev.baton.internal.websocket;

import dev.baton.context.CancellationReason;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A session's close handshake (RFC 6455 5.5.1, 7.1): who closed first, with which code and
 * reason, and the TCP close that ends it. The server closes the TCP connection itself once both
 * close frames have passed, or {@link #CLOSE_WAIT_MILLIS} after its own went unanswered. Its
 * state changes on the event loop; {@link #isOpen()} may be read from any thread.
 */
final class CloseHandshake {
    /** How long the server waits for the client's close frame before it closes the TCP connection itself. */
    static final long CLOSE_WAIT_MILLIS = 5_000;

    private final ChannelHandlerContext ctx;
    private final HandshakeExchange handshake;
    private final SessionHeartbeat heartbeat;
    private volatile boolean open = true;
    private boolean sent;
    private boolean received;
    private int code = 1006;
    private String reason = "";
    /** Closes the connection if the client does not answer our close frame. */
    private ScheduledFuture<?> closeWait;

    CloseHandshake(ChannelHandlerContext ctx, HandshakeExchange handshake, SessionHeartbeat heartbeat) {
        this.ctx = ctx;
        this.handshake = handshake;
        this.heartbeat = heartbeat;
    }

    /** Neither side has started closing (any thread). */
    boolean isOpen() {
        return open;
    }

    /** Our close frame is out (or the connection failed): nothing more is sent. */
    boolean isSent() {
        return sent;
    }

    /** Either close frame has passed: data frames are no longer taken. */
    boolean isStarted() {
        return sent || received;
    }

    /** The code the session ended with: the close frames', or 1006 if none passed. */
    int code() {
        return code;
    }

    String reason() {
        return reason;
    }

    /** The client's close frame: the end of our handshake, or its start, answered with its own code. */
    void received(CloseWebSocketFrame close) {
        if (received) {
            return;
        }
        received = true;
        open = false;
        CloseStatus.Violation invalid = CloseStatus.check(close.content());
        if (invalid != null) {
            if (!sent) {
                ended(invalid.code(), invalid.reason(), CancellationReason.CLOSED);
                ctx.writeAndFlush(new CloseWebSocketFrame(invalid.code(), invalid.reason())).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return;
        }
        if (!sent) {
            int status = close.statusCode();
            ended(status < 0 ? 1005 : status, status < 0 ? "" : close.reasonText(), CancellationReason.CLOSED);
            CloseWebSocketFrame echo = status < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(status, "");
            // the server closes the TCP connection first (RFC 6455 7.1.1)
            ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    /** Starts the close handshake: our close frame now, the TCP close when the client answers or after the wait. */
    void start(int status, String why, CancellationReason cancellation) {
        if (sent || !ctx.channel().isActive()) {
            return;
        }
        heartbeat.stop();
        ended(status, why, cancellation);
        ctx.channel().config().setAutoRead(true); // the client's close frame must get through
        ctx.writeAndFlush(new CloseWebSocketFrame(status, CloseStatus.fit(why))).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        closeWait = ctx.executor().schedule(() -> {
            ctx.close();
        }, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Netty's decoder or UTF-8 validator has sent its own close frame and closes the connection. */
    void failed(int status, String why) {
        heartbeat.stop();
        if (!sent) {
            ended(status, why, CancellationReason.CLOSED);
        }
    }

    /** The connection is gone: the wait ends, and the token fires unless a close handshake fired it. */
    void disconnected() {
        open = false;
        if (closeWait != null) {
            closeWait.cancel(false);
        }
        handshake.cancelToken(CancellationReason.CLIENT_DISCONNECT); // a no-op after a close handshake
    }

    private void ended(int status, String why, CancellationReason cancellation) {
        sent = true;
        open = false;
        code = status;
        reason = why;
        handshake.cancelToken(cancellation);
    }
}
