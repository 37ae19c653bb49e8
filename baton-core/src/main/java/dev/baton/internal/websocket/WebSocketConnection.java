package dev.baton.internal.websocket;

import dev.baton.ServerConfig;
import dev.baton.context.CancellationReason;
import dev.baton.internal.metrics.ServerMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket session's handler, at the end of its pipeline (see {@link WebSocketUpgrade}): it
 * sorts what arrives. Pings are answered; data frames go to the {@link MessageAssembler}, whole
 * messages on to the {@link WebSocketInbox} that runs the endpoint's callbacks in order; close
 * frames to the {@link CloseHandshake}; the {@link SessionHeartbeat} pings and times the session
 * out. Frame syntax (masking, opcodes, reserved bits, control frames) is Netty's decoder's and
 * UTF-8 its validator's: both send their close frame (1002, 1007, 1009) themselves and tell this
 * handler why. The server's shutdown reaches a session through {@link #goAway()}.
 */
public final class WebSocketConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);

    private final HandshakeExchange handshake;
    private final WebSocketHandshake.Accepted accepted;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final SendBuffer sendBuffer;
    /** Completed when onClose has run: the session's last event. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    // set in handlerAdded, event loop only:
    private SessionHeartbeat heartbeat;
    private CloseHandshake close;
    private ServerSession session;
    private WebSocketInbox inbox;
    private MessageAssembler messages;

    WebSocketConnection(HandshakeExchange handshake, WebSocketHandshake.Accepted accepted, ServerMetrics metrics) {
        this.handshake = handshake;
        this.accepted = accepted;
        this.config = handshake.serverConfig();
        this.metrics = metrics;
        this.sendBuffer = new SendBuffer(config.webSocketSendBufferSize());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        metrics.webSocketSessions.incrementAndGet();
        heartbeat = new SessionHeartbeat(ctx.executor(), config.webSocketIdleTimeout().toNanos(), config.webSocketPingInterval().toNanos(),
                () -> inbox.isBusy(),
                () -> ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE),
                () -> close.start(1001, "idle for " + config.webSocketIdleTimeout().toMillis() + " ms", CancellationReason.TIMEOUT));
        close = new CloseHandshake(ctx, handshake, heartbeat);
        session = new ServerSession(ctx, handshake, accepted.subprotocol(), close, sendBuffer, metrics);
        inbox = new WebSocketInbox(session, accepted.endpoint(), handshake::executeProducer, ended);
        messages = new MessageAssembler(ctx.alloc(), config.webSocketMaxMessageSize(), metrics, inbox);
        heartbeat.start();
        inbox.opened();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        heartbeat.read();
        if (msg instanceof PingWebSocketFrame ping) {
            if (close.isSent()) {
                ping.release();
            } else {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content())).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            }
        } else if (msg instanceof CloseWebSocketFrame frame) {
            try {
                messages.release();
                close.received(frame);
            } finally {
                frame.release();
            }
        } else if (msg instanceof WebSocketFrame frame && !(msg instanceof PongWebSocketFrame) && !close.isStarted()) {
            if (!messages.add(frame)) {
                close.start(1009, messages.tooLarge(), CancellationReason.CLOSED);
            }
        } else {
            ReferenceCountUtil.release(msg); // a pong, or data after a close frame: nothing to do
        }
    }

    /** The server is stopping: close with 1001 (the caller waits for {@link #ended()} within the grace). Event loop. */
    public void goAway() {
        close.start(1001, "server shutting down", CancellationReason.SHUTDOWN);
    }

    /** Completes when the session's onClose has run. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException bad) {
            // Netty's decoder or UTF-8 validator has sent its close frame (1002, 1007, 1009) and closes
            log.debug("websocket {} closed on a protocol error: {}", ctx.channel().remoteAddress(), bad.getMessage());
            close.failed(bad.closeStatus().code(), bad.closeStatus().reasonText());
        } else if (cause instanceof DecoderException) {
            // the inflater's (the frame decoder and the validator throw the exception above): a frame
            // that inflates past the max message size (Netty's "maximum size"), or that does not inflate
            boolean tooBig = String.valueOf(cause.getMessage()).contains("maximum size");
            log.debug("websocket {}: a compressed frame failed: {}", ctx.channel().remoteAddress(), cause.toString());
            close.start(tooBig ? 1009 : 1007, tooBig ? messages.tooLarge() : "a compressed message does not inflate", CancellationReason.CLOSED);
        } else if (cause instanceof IOException) {
            log.debug("websocket {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            log.warn("websocket {} failed", ctx.channel().remoteAddress(), cause);
            close.start(1011, "internal error", CancellationReason.CLOSED);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        messages.release();
        heartbeat.stop();
        close.disconnected();
        session.ended(handshake.cancellation().reason().orElse(CancellationReason.CLIENT_DISCONNECT));
        metrics.openConnections.decrementAndGet(); // the HTTP handler that counted this connection is gone
        metrics.webSocketSessions.decrementAndGet();
        session.closed();
        inbox.closed(close.code(), close.reason());
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (messages != null) {
            messages.release();
        }
    }

    @Override
    public String toString() {
        return session == null ? "WebSocketSession[" + handshake.route().pattern() + "]" : session.toString();
    }
}
