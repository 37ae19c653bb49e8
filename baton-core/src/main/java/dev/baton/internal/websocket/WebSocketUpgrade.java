package dev.baton.internal.websocket;

import dev.baton.ServerConfig;
import dev.baton.http.Response;
import dev.baton.internal.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The switch from HTTP/1.1 to WebSocket on one connection: the 101 as the last HTTP bytes, then
 * the HTTP handlers out of the pipeline and Netty's WebSocket codec, the UTF-8 validator and a
 * {@link WebSocketConnection} in. The pipeline of a session, nearest the socket first:
 * {@code ws-encoder, ws-decoder, [ws-rsv, ws-deflate-decoder, ws-deflate-encoder], ws-utf8, ws-session}.
 */
public final class WebSocketUpgrade {

    private WebSocketUpgrade() {
    }

    /**
     * Writes the 101 and swaps the HTTP handlers of {@code http}'s pipeline ({@code http}'s own and
     * those of {@code httpCodecs} present) for the WebSocket codec and a session; returns the 101's
     * bytes. On the event loop, with nothing read after the handshake request (the caller checked).
     */
    public static int switchProtocols(ChannelHandlerContext http, HandshakeExchange handshake, Response response,
                                      ServerMetrics metrics, List<Class<? extends ChannelHandler>> httpCodecs) {
        WebSocketHandshake.Accepted accepted = (WebSocketHandshake.Accepted) response.body();
        StringBuilder head = new StringBuilder(256).append("HTTP/1.1 101 Switching Protocols\r\n");
        for (Map.Entry<String, String> h : response.headers()) {
            if (h.getKey().equalsIgnoreCase("content-length") || h.getKey().equalsIgnoreCase("transfer-encoding")) {
                continue; // a 1xx has no content (RFC 9110 8.6, 6.1): middleware's framing fields are dropped
            }
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        byte[] bytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        http.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);

        ServerConfig config = handshake.serverConfig();
        WebSocketServerExtension compression = accepted.compression();
        ChannelPipeline p = http.pipeline();
        WebSocketConnection session = new WebSocketConnection(handshake, accepted, metrics);
        p.addAfter(http.name(), "ws-session", session);
        p.remove(http.handler());
        for (Class<? extends ChannelHandler> codec : httpCodecs) {
            if (p.get(codec) != null) {
                p.remove(codec);
            }
        }
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
            p.addBefore("ws-session", "ws-rsv", new ReservedBits());
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
            // see CloseHandshake.received()
        }
    }

    /**
     * With permessage-deflate agreed Netty's decoder lets every reserved bit through; RFC 7692 6
     * allows RSV1 alone, on a message's first frame only: anything else fails the connection
     * (1002) before the inflater reads it as compressed or plain.
     */
    private static final class ReservedBits extends io.netty.channel.ChannelInboundHandlerAdapter {
        private boolean failed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (failed) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof WebSocketFrame frame) {
                boolean firstData = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
                int allowed = firstData ? 0b100 : 0;
                if ((frame.rsv() & ~allowed) != 0) {
                    failed = true;
                    frame.release();
                    String why = "reserved bits " + Integer.toBinaryString(frame.rsv()) + " on a " + frame.getClass().getSimpleName()
                            + " (permessage-deflate allows RSV1 on a message's first frame only)";
                    ctx.writeAndFlush(new CloseWebSocketFrame(1002, "reserved bits not allowed")).addListener(ChannelFutureListener.CLOSE);
                    ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, why));
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }
}
