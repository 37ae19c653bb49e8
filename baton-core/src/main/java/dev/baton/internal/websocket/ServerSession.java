package dev.baton.internal.websocket;

import dev.baton.context.CancellationReason;
import dev.baton.context.CancellationToken;
import dev.baton.context.RequestContext;
import dev.baton.http.Request;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.websocket.SendRejectedException;
import dev.baton.websocket.WebSocketSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link WebSocketSession} an endpoint is given: sends from any thread, bounded by the
 * session's {@link SendBuffer}, each written on the event loop; closes through the session's
 * {@link CloseHandshake}. Its request, attributes and token are the handshake's.
 */
final class ServerSession implements WebSocketSession {
    private final ChannelHandlerContext ctx;
    private final HandshakeExchange handshake;
    private final String subprotocol;
    private final CloseHandshake close;
    private final SendBuffer sendBuffer;
    private final ServerMetrics metrics;
    private final SessionContext context;
    /** Completed when the connection is gone. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    ServerSession(ChannelHandlerContext ctx, HandshakeExchange handshake, String subprotocol, CloseHandshake close,
                  SendBuffer sendBuffer, ServerMetrics metrics) {
        this.ctx = ctx;
        this.handshake = handshake;
        this.subprotocol = subprotocol;
        this.close = close;
        this.sendBuffer = sendBuffer;
        this.metrics = metrics;
        this.context = new SessionContext(handshake);
    }

    @Override
    public Request request() {
        return handshake.request();
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public Map<String, Object> attributes() {
        return handshake.attributes();
    }

    @Override
    public RequestContext requestContext() {
        return context;
    }

    @Override
    public CancellationToken cancellationToken() {
        return handshake.cancellation();
    }

    @Override
    public CompletionStage<Void> sendText(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return send(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)), bytes.length, true);
    }

    @Override
    public CompletionStage<Void> sendBinary(byte[] data) {
        return send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)), data.length, true);
    }

    @Override
    public CompletionStage<Void> ping(byte[] payload) {
        if (payload.length > 125) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a ping carries at most 125 bytes, got " + payload.length));
        }
        return send(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)), payload.length, false);
    }

    /**
     * Writes {@code frame} on the event loop; refused at once when closed, or when the bytes not
     * yet written would pass the send buffer (unless nothing else is waiting: one large message
     * still goes out).
     */
    private CompletionStage<Void> send(WebSocketFrame frame, int bytes, boolean message) {
        if (!close.isOpen()) {
            frame.release();
            return CompletableFuture.failedFuture(new SendRejectedException("the session is closed"));
        }
        if (!sendBuffer.reserve(bytes)) {
            frame.release();
            return CompletableFuture.failedFuture(new SendRejectedException(
                    "the send buffer is full: " + sendBuffer.unwritten() + " bytes not yet written (webSocketSendBufferSize)"));
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        onEventLoop(() -> {
            if (close.isSent()) {
                sendBuffer.written(bytes);
                frame.release();
                written.completeExceptionally(new SendRejectedException("the session is closed"));
                return;
            }
            ctx.writeAndFlush(frame).addListener(f -> {
                sendBuffer.written(bytes);
                if (f.isSuccess()) {
                    if (message) {
                        metrics.webSocketMessagesOut.increment();
                    }
                    written.complete(null);
                } else {
                    written.completeExceptionally(f.cause());
                }
            });
        });
        return written;
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        if (!CloseStatus.maySend(code)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a close code an endpoint may send: " + code));
        }
        String r = reason == null ? "" : reason;
        if (r.getBytes(StandardCharsets.UTF_8).length > CloseStatus.MAX_REASON_BYTES) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a close reason is at most 123 bytes of UTF-8"));
        }
        onEventLoop(() -> close.start(code, r, CancellationReason.CLOSED));
        return closed.minimalCompletionStage();
    }

    @Override
    public boolean isOpen() {
        return close.isOpen();
    }

    @Override
    public boolean isWritable() {
        return sendBuffer.isWritable();
    }

    @Override
    public CompletionStage<Void> whenWritable() {
        return sendBuffer.whenWritable(close.isOpen());
    }

    // ---- for the inbox and the connection (event loop) ----

    /** A callback failed: the inbox has run onError; the session closes with 1011. */
    void callbackFailed() {
        ctx.executor().execute(() -> close.start(1011, "internal error", CancellationReason.CLOSED));
    }

    /** The route's executor refused a callback (the worker queue is full): 1013, try again later. */
    void overloaded() {
        ctx.executor().execute(() -> close.start(1013, "server overloaded", CancellationReason.CLOSED));
    }

    /** Reading pauses while the inbox is full, so that a fast client cannot queue without bound. */
    void reading(boolean on) {
        if (!close.isStarted()) {
            ctx.channel().config().setAutoRead(on);
        }
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /** The connection is gone: the context's work is abandoned and its completion callbacks run. */
    void ended(CancellationReason why) {
        context.end(why);
    }

    /** ...then close() completes and sends waiting for room fail. */
    void closed() {
        closed.complete(null);
        sendBuffer.closed();
    }

    private void onEventLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    @Override
    public String toString() {
        return "WebSocketSession[" + handshake.route().pattern() + " " + ctx.channel().remoteAddress() + "]";
    }
}
