package dev.baton.internal.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First on a TLS connection: looks at its first five bytes (a TLS record header). A TLS client
 * passes on to the {@link SslHandler} and this handler leaves the pipeline; plain HTTP gets a
 * readable 400 and a close, as nginx answers it, instead of a dropped connection.
 */
final class PlaintextOnTlsPort extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(PlaintextOnTlsPort.class);
    private static final byte[] ANSWER = answer();

    private static byte[] answer() {
        String body = "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
                + "\"detail\":\"This port speaks HTTPS: a plain HTTP request was sent to it\"}";
        return ("HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\ncontent-length: " + body.length()
                + "\r\nconnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 5) {
            return; // a client that stops here is the handshake timeout's
        }
        if (SslHandler.isEncrypted(in, false)) {
            ctx.pipeline().remove(this); // hands what it holds to the SslHandler
            return;
        }
        log.debug("connection {} sent plain text to the TLS port; answered 400", ctx.channel().remoteAddress());
        in.skipBytes(in.readableBytes());
        // written from here, before the SslHandler: in clear
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
    }
}
