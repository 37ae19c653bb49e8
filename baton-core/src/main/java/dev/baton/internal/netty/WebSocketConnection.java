package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import dev.baton.context.CancellationReason;
import dev.baton.context.CancellationToken;
import dev.baton.context.RequestContext;
import dev.baton.http.Request;
import dev.baton.http.Response;
import dev.baton.internal.metrics.ServerMetrics;
import dev.baton.websocket.SendRejectedException;
import dev.baton.websocket.WebSocketSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket session: the handler at the end of its pipeline (see {@link WebSocketUpgrade}) and
 * the {@link WebSocketSession} its endpoint is given. It joins fragments up to the max message
 * size, answers pings, checks close frames and runs the close handshake; its events reach the
 * endpoint through its {@link WebSocketInbox}, in order; its {@link SessionHeartbeat} pings and
 * times it out; its {@link SendBuffer} bounds what it sends. Frame syntax (masking, opcodes,
 * reserved bits, control frames) is Netty's decoder's and UTF-8 its validator's: both send their
 * close frame (1002, 1007, 1009) themselves and tell this handler why.
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter implements WebSocketSession {
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
    /** How long the server waits for the client's close frame before it closes the TCP connection itself. */
    static final long CLOSE_WAIT_MILLIS = 5_000;

    private final Exchange handshake;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final String subprotocol;
    private final WebSocketInbox inbox;
    private final SendBuffer sendBuffer;
    private final SessionContext context;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Completed when onClose has run: the session's last event. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile boolean open = true;
    private ChannelHandlerContext ctx;
    // event loop only:
    private CompositeByteBuf partial;
    private boolean partialText;
    private boolean closeSent;
    private boolean closeReceived;
    private int closeCode = 1006;
    private String closeReason = "";
    private SessionHeartbeat heartbeat;
    /** Closes the connection if the client does not answer our close frame. */
    private ScheduledFuture<?> closeWait;

    WebSocketConnection(Exchange handshake, WebSocketHandshake.Accepted accepted, ServerParts server) {
        this.handshake = handshake;
        this.config = server.config();
        this.metrics = server.metrics();
        this.subprotocol = accepted.subprotocol();
        this.sendBuffer = new SendBuffer(config.webSocketSendBufferSize());
        this.context = new SessionContext(handshake);
        this.inbox = new WebSocketInbox(this, accepted.endpoint(), handshake::executeProducer);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        metrics.webSocketSessions.incrementAndGet();
        heartbeat = new SessionHeartbeat(ctx.executor(), config.webSocketIdleTimeout().toNanos(), config.webSocketPingInterval().toNanos(),
                inbox::isBusy,
                () -> ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE),
                () -> closeLocally(1001, "idle for " + config.webSocketIdleTimeout().toMillis() + " ms", CancellationReason.TIMEOUT));
        heartbeat.start();
        inbox.opened();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        heartbeat.read();
        if (msg instanceof PingWebSocketFrame ping) {
            if (closeSent) {
                ping.release();
            } else {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content())).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            }
        } else if (msg instanceof CloseWebSocketFrame close) {
            closeFrame(close);
        } else if (msg instanceof WebSocketFrame frame && !(msg instanceof PongWebSocketFrame) && !closeSent && !closeReceived) {
            dataFrame(frame);
        } else {
            ReferenceCountUtil.release(msg); // a pong, or data after a close frame: nothing to do
        }
    }

    /** Joins a message's fragments (Netty's decoder has checked their order) up to the max message size. */
    private void dataFrame(WebSocketFrame frame) {
        boolean first = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
        if (first && frame.isFinalFragment()) {
            deliver(frame.content(), frame instanceof TextWebSocketFrame);
            return;
        }
        if (first) {
            partial = ctx.alloc().compositeBuffer(1024);
            partialText = frame instanceof TextWebSocketFrame;
        } else if (!(frame instanceof ContinuationWebSocketFrame) || partial == null) {
            frame.release();
            return;
        }
        partial.addComponent(true, frame.content());
        if (partial.readableBytes() > config.webSocketMaxMessageSize()) {
            releasePartial();
            closeLocally(1009, "message larger than " + config.webSocketMaxMessageSize() + " bytes", CancellationReason.CLOSED);
            return;
        }
        if (frame.isFinalFragment()) {
            CompositeByteBuf whole = partial;
            partial = null;
            deliver(whole, partialText);
        }
    }

    /** Hands a whole message to the inbox as a String or byte[], and releases its buffer. */
    private void deliver(ByteBuf content, boolean text) {
        try {
            if (content.readableBytes() > config.webSocketMaxMessageSize()) { // one frame, decompressed
                closeLocally(1009, "message larger than " + config.webSocketMaxMessageSize() + " bytes", CancellationReason.CLOSED);
                return;
            }
            metrics.webSocketMessagesIn.increment();
            if (text) {
                inbox.text(content.toString(StandardCharsets.UTF_8)); // the validator has checked it
            } else {
                byte[] data = new byte[content.readableBytes()];
                content.readBytes(data);
                inbox.binary(data);
            }
        } finally {
            content.release();
        }
    }

    /** The client's close frame: the end of our handshake, or its start, answered with its own code (RFC 6455 5.5.1). */
    private void closeFrame(CloseWebSocketFrame close) {
        try {
            if (closeReceived) {
                return;
            }
            closeReceived = true;
            open = false;
            releasePartial();
            CloseStatus.Violation invalid = CloseStatus.check(close.content());
            if (invalid != null) {
                if (!closeSent) {
                    closeSent = true;
                    closeCode = invalid.code();
                    closeReason = invalid.reason();
                    handshake.cancelToken(CancellationReason.CLOSED);
                    ctx.writeAndFlush(new CloseWebSocketFrame(invalid.code(), invalid.reason())).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.close();
                }
                return;
            }
            if (!closeSent) {
                int code = close.statusCode();
                closeCode = code < 0 ? 1005 : code;
                closeReason = code < 0 ? "" : close.reasonText();
                closeSent = true;
                handshake.cancelToken(CancellationReason.CLOSED);
                CloseWebSocketFrame echo = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
                // the server closes the TCP connection first (RFC 6455 7.1.1)
                ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        } finally {
            close.release();
        }
    }

    /** Starts the close handshake: our close frame now, the TCP close when the client answers or after {@link #CLOSE_WAIT_MILLIS}. */
    void closeLocally(int code, String reason, CancellationReason why) {
        if (closeSent || !ctx.channel().isActive()) {
            return;
        }
        closeSent = true;
        open = false;
        closeCode = code;
        closeReason = reason;
        heartbeat.stop();
        handshake.cancelToken(why);
        ctx.channel().config().setAutoRead(true); // the client's close frame must get through
        ctx.writeAndFlush(new CloseWebSocketFrame(code, CloseStatus.fit(reason))).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        closeWait = ctx.executor().schedule(() -> {
            ctx.close();
        }, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The server is stopping: close with 1001 (the caller waits for {@link #ended()} within the grace). */
    void goAway() {
        closeLocally(1001, "server shutting down", CancellationReason.SHUTDOWN);
    }

    /** Completes when the session's onClose has run. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException bad) {
            // Netty's decoder or UTF-8 validator has sent its close frame (1002, 1007, 1009) and closes
            log.debug("websocket {} closed on a protocol error: {}", ctx.channel().remoteAddress(), bad.getMessage());
            heartbeat.stop();
            if (!closeSent) {
                closeSent = true;
                open = false;
                closeCode = bad.closeStatus().code();
                closeReason = bad.closeStatus().reasonText();
                handshake.cancelToken(CancellationReason.CLOSED);
            }
        } else if (cause instanceof io.netty.handler.codec.DecoderException) {
            // the inflater's (the frame decoder and the validator throw the exception above): a frame
            // that inflates past the max message size (Netty's "maximum size"), or that does not inflate
            boolean tooBig = String.valueOf(cause.getMessage()).contains("maximum size");
            log.debug("websocket {}: a compressed frame failed: {}", ctx.channel().remoteAddress(), cause.toString());
            closeLocally(tooBig ? 1009 : 1007, tooBig ? "message larger than " + config.webSocketMaxMessageSize() + " bytes"
                    : "a compressed message does not inflate", CancellationReason.CLOSED);
        } else if (cause instanceof IOException) {
            log.debug("websocket {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else {
            log.warn("websocket {} failed", ctx.channel().remoteAddress(), cause);
            closeLocally(1011, "internal error", CancellationReason.CLOSED);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open = false;
        releasePartial();
        heartbeat.stop();
        if (closeWait != null) {
            closeWait.cancel(false);
        }
        handshake.cancelToken(CancellationReason.CLIENT_DISCONNECT); // a no-op after a close handshake
        context.end(handshake.cancellation().reason().orElse(CancellationReason.CLIENT_DISCONNECT));
        metrics.openConnections.decrementAndGet(); // the HTTP handler that counted this connection is gone
        metrics.webSocketSessions.decrementAndGet();
        closed.complete(null);
        sendBuffer.closed();
        inbox.closed(closeCode, closeReason);
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePartial();
    }

    private void releasePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    /** A callback failed: the inbox has run onError; the session closes with 1011 (on the event loop). */
    void callbackFailed() {
        ctx.executor().execute(() -> closeLocally(1011, "internal error", CancellationReason.CLOSED));
    }

    /** The route's executor refused a callback (the worker queue is full): 1013, try again later. */
    void overloaded() {
        ctx.executor().execute(() -> closeLocally(1013, "server overloaded", CancellationReason.CLOSED));
    }

    /** Reading pauses while the inbox is full, so that a fast client cannot queue without bound. */
    void reading(boolean on) {
        if (!closeSent && !closeReceived) {
            ctx.channel().config().setAutoRead(on);
        }
    }

    io.netty.channel.EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    // ---- the session, from any thread ----

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
        if (!open) {
            frame.release();
            return CompletableFuture.failedFuture(new SendRejectedException("the session is closed"));
        }
        if (!sendBuffer.reserve(bytes)) {
            frame.release();
            return CompletableFuture.failedFuture(new SendRejectedException(
                    "the send buffer is full: " + sendBuffer.unwritten() + " bytes not yet written (webSocketSendBufferSize)"));
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        Runnable write = () -> {
            if (closeSent) {
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
        };
        if (ctx.executor().inEventLoop()) {
            write.run();
        } else {
            ctx.executor().execute(write);
        }
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
        if (ctx.executor().inEventLoop()) {
            closeLocally(code, r, CancellationReason.CLOSED);
        } else {
            ctx.executor().execute(() -> closeLocally(code, r, CancellationReason.CLOSED));
        }
        return closed.minimalCompletionStage();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isWritable() {
        return sendBuffer.isWritable();
    }

    @Override
    public CompletionStage<Void> whenWritable() {
        return sendBuffer.whenWritable(open);
    }

    @Override
    public String toString() {
        return "WebSocketSession[" + handshake.route().pattern() + " " + (ctx == null ? "" : ctx.channel().remoteAddress()) + "]";
    }
}
