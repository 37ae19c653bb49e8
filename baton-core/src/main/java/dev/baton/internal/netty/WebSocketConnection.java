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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket session's end of the pipeline, after the 101 replaced the HTTP handlers: joins
 * fragments up to the max message size, answers pings, runs the close handshake, pings a quiet
 * client and closes an idle one, and bounds the bytes sent and not yet written. Its events reach
 * the endpoint through its {@link WebSocketInbox}, in order. Frame syntax (masking, opcodes,
 * reserved bits, control frames) is Netty's decoder's, UTF-8 its validator's: both close with
 * 1002 or 1007 themselves and tell this handler why.
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
    private final AtomicLong unwritten = new AtomicLong();
    /** Completed when the session is writable again; null while nobody waits. */
    private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<Void>> writable =
            new java.util.concurrent.atomic.AtomicReference<>();
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
    private long lastReadNanos;
    private long lastPingNanos;
    private ScheduledFuture<?> tick;
    /** Closes the connection if the client does not answer our close frame. */
    private ScheduledFuture<?> closeWait;

    private WebSocketConnection(Exchange handshake, WebSocketHandshake.Accepted accepted, ServerParts server) {
        this.handshake = handshake;
        this.config = server.config();
        this.metrics = server.metrics();
        this.subprotocol = accepted.subprotocol();
        this.inbox = new WebSocketInbox(this, accepted.endpoint(), handshake::executeProducer);
    }

    /**
     * Writes the 101 and swaps the HTTP handlers of {@code http}'s pipeline for the WebSocket
     * codec and a session; returns the 101's bytes. On the event loop, with nothing read after
     * the handshake request (the caller checked).
     */
    static int switchProtocols(ChannelHandlerContext http, Exchange ex, Response response, ServerParts server) {
        WebSocketHandshake.Accepted accepted = (WebSocketHandshake.Accepted) response.body();
        StringBuilder head = new StringBuilder(256).append("HTTP/1.1 101 Switching Protocols\r\n");
        for (Map.Entry<String, String> h : response.headers()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        byte[] bytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        http.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);

        ServerConfig config = server.config();
        WebSocketServerExtension compression = accepted.compression();
        ChannelPipeline p = http.pipeline();
        WebSocketConnection session = new WebSocketConnection(ex, accepted, server);
        p.addAfter(http.name(), "ws-session", session);
        p.remove(http.handler());
        removeIfPresent(p, RequestAggregator.class);
        removeIfPresent(p, HttpRequestDecoder.class);
        removeIfPresent(p, StrictRequestScanner.class);
        WebSocketDecoderConfig frames = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(Math.min(config.webSocketMaxFrameSize(), config.webSocketMaxMessageSize()))
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(compression != null)
                .closeOnProtocolViolation(true)
                .withUTF8Validator(false) // the validator below, after decompression
                .build();
        // the encoder sits nearer the socket than every handler that writes close frames (the decoder, the validator)
        p.addBefore("ws-session", "ws-encoder", new WebSocket13FrameEncoder(false));
        p.addBefore("ws-session", "ws-decoder", new FrameDecoder(frames));
        if (compression != null) {
            p.addBefore("ws-session", "ws-deflate-decoder", compression.newExtensionDecoder());
            p.addBefore("ws-session", "ws-deflate-encoder", compression.newExtensionEncoder());
        }
        p.addBefore("ws-session", "ws-utf8", new Utf8FrameValidator(true));
        http.channel().config().setAutoRead(true); // pipelining may have paused it
        return bytes.length;
    }

    /**
     * Netty's decoder, but a close frame's body is checked by the session: Netty's own check drops
     * the connection without the 1002 close frame RFC 6455 7.1.7 asks for.
     */
    private static final class FrameDecoder extends WebSocket13FrameDecoder {
        FrameDecoder(WebSocketDecoderConfig config) {
            super(config);
        }

        @Override
        protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf buffer) {
            // see closeFrame()
        }
    }

    private static void removeIfPresent(ChannelPipeline p, Class<? extends io.netty.channel.ChannelHandler> type) {
        if (p.get(type) != null) {
            p.remove(type);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        metrics.webSocketSessions.incrementAndGet();
        lastReadNanos = System.nanoTime();
        lastPingNanos = lastReadNanos;
        scheduleTick();
        inbox.opened();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
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
            String invalid = invalidCloseBody(close.content());
            if (invalid != null) {
                int code = invalid.contains("UTF-8") ? 1007 : 1002;
                if (!closeSent) {
                    closeSent = true;
                    closeCode = code;
                    closeReason = invalid;
                    handshake.cancelToken(CancellationReason.CLOSED);
                    ctx.writeAndFlush(new CloseWebSocketFrame(code, invalid)).addListener(ChannelFutureListener.CLOSE);
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

    /** Why a close frame's body is malformed (RFC 6455 5.5.1, 7.4), or null when it is not. */
    static String invalidCloseBody(ByteBuf body) {
        int n = body.readableBytes();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return "a close frame's body has a 2-byte code";
        }
        int code = body.getUnsignedShort(body.readerIndex());
        if (!(code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999)) {
            return "close code " + code + " may not be sent";
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(body.nioBuffer(body.readerIndex() + 2, n - 2));
            return null;
        } catch (java.nio.charset.CharacterCodingException e) {
            return "a close reason must be UTF-8";
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
        handshake.cancelToken(why);
        ctx.channel().config().setAutoRead(true); // the client's close frame must get through
        ctx.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason))).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
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

    /** A close reason fits a control frame: 123 bytes of UTF-8 at most, cut on a character boundary. */
    private static String truncate(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= 123) {
            return reason;
        }
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > 123) {
                break;
            }
            b.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    private void scheduleTick() {
        long idle = config.webSocketIdleTimeout().toNanos();
        long ping = config.webSocketPingInterval().toNanos();
        if (idle == 0 && ping == 0 || closeSent) {
            return;
        }
        long next = Long.MAX_VALUE;
        if (idle > 0) {
            next = lastReadNanos + idle;
        }
        if (ping > 0) {
            long quietSince = lastReadNanos - lastPingNanos > 0 ? lastReadNanos : lastPingNanos;
            next = Math.min(next, quietSince + ping);
        }
        tick = ctx.executor().schedule(this::onTick, Math.max(1_000_000, next - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Closes an idle session (1001), pings a quiet one, and sleeps until the next of those is due. */
    private void onTick() {
        if (closeSent || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        long idle = config.webSocketIdleTimeout().toNanos();
        if (idle > 0 && now - lastReadNanos >= idle) {
            closeLocally(1001, "idle for " + config.webSocketIdleTimeout().toMillis() + " ms", CancellationReason.TIMEOUT);
            return;
        }
        long ping = config.webSocketPingInterval().toNanos();
        long quietSince = lastReadNanos - lastPingNanos > 0 ? lastReadNanos : lastPingNanos;
        if (ping > 0 && now - quietSince >= ping) {
            lastPingNanos = now;
            ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        scheduleTick();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException bad) {
            // Netty's decoder or UTF-8 validator has sent its close frame (1002, 1007, 1009) and closes
            log.debug("websocket {} closed on a protocol error: {}", ctx.channel().remoteAddress(), bad.getMessage());
            if (!closeSent) {
                closeSent = true;
                open = false;
                closeCode = bad.closeStatus().code();
                closeReason = bad.closeStatus().reasonText();
                handshake.cancelToken(CancellationReason.CLOSED);
            }
        } else if (cause instanceof io.netty.handler.codec.compression.DecompressionException) {
            // a compressed frame that inflates past the max message size (or does not inflate at all)
            closeLocally(1009, "message larger than " + config.webSocketMaxMessageSize() + " bytes", CancellationReason.CLOSED);
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
        if (tick != null) {
            tick.cancel(false);
        }
        if (closeWait != null) {
            closeWait.cancel(false);
        }
        handshake.cancelToken(CancellationReason.CLIENT_DISCONNECT); // a no-op after a close handshake
        metrics.openConnections.decrementAndGet(); // the HTTP handler that counted this connection is gone
        metrics.webSocketSessions.decrementAndGet();
        closed.complete(null);
        signalWritable();
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
        return handshake;
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
        long queued = unwritten.addAndGet(bytes);
        if (queued > config.webSocketSendBufferSize() && queued != bytes) {
            unwritten.addAndGet(-bytes);
            frame.release();
            return CompletableFuture.failedFuture(new SendRejectedException(
                    "the send buffer is full: " + (queued - bytes) + " bytes not yet written (webSocketSendBufferSize)"));
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        Runnable write = () -> {
            if (closeSent) {
                unwritten.addAndGet(-bytes);
                frame.release();
                written.completeExceptionally(new SendRejectedException("the session is closed"));
                return;
            }
            ctx.writeAndFlush(frame).addListener(f -> {
                unwritten.addAndGet(-bytes);
                if (isWritable()) {
                    signalWritable();
                }
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
        boolean valid = code == 1000 || code == 1001 || code == 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
        if (!valid) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a close code an endpoint may send: " + code));
        }
        String r = reason == null ? "" : reason;
        if (r.getBytes(StandardCharsets.UTF_8).length > 123) {
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
        return unwritten.get() < config.webSocketSendBufferSize() / 2;
    }

    @Override
    public CompletionStage<Void> whenWritable() {
        if (isWritable() || !open) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiting = writable.updateAndGet(w -> w != null ? w : new CompletableFuture<>());
        if (isWritable() || !open) {
            signalWritable(); // it drained (or closed) between the check and the registration
        }
        return waiting.minimalCompletionStage();
    }

    private void signalWritable() {
        CompletableFuture<Void> w = writable.getAndSet(null);
        if (w != null) {
            w.complete(null);
        }
    }

    @Override
    public String toString() {
        return "WebSocketSession[" + handshake.route().pattern() + " " + (ctx == null ? "" : ctx.channel().remoteAddress()) + "]";
    }
}
