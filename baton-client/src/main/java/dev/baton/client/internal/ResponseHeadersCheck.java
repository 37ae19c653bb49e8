package dev.baton.client.internal;

import dev.baton.client.MalformedResponseException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.Map;

/**
 * Holds a stream's HEADERS frames to what RFC 9113 8.3.2 and 8.1 ask of a response, beyond what
 * Netty's HPACK decoder checks already (pseudo-headers after regular ones, unknown or request
 * pseudo-headers, connection-specific fields): a three-digit {@code :status}, no END_STREAM on
 * an informational response, and a trailer section that ends the stream and carries no
 * pseudo-header. A response that breaks one resets the stream with PROTOCOL_ERROR and fails its
 * exchange with {@link MalformedResponseException}.
 */
final class ResponseHeadersCheck extends ChannelInboundHandlerAdapter {
    private boolean finalSeen;
    private boolean failed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Http2HeadersFrame h) {
            String problem = problem(h);
            if (problem != null) {
                failed = true;
                ReferenceCountUtil.release(msg);
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
                ctx.fireExceptionCaught(new MalformedResponseException(problem + " (RFC 9113 8.3.2)", null));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private String problem(Http2HeadersFrame frame) {
        Http2Headers h = frame.headers();
        if (finalSeen) {
            if (!frame.isEndStream()) {
                return "a HEADERS frame after the response's header section does not end the stream";
            }
            for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iterator(); it.hasNext(); ) {
                if (Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(it.next().getKey())) {
                    return "the trailer section carries a pseudo-header";
                }
            }
            return null;
        }
        CharSequence status = h.status();
        if (status == null || status.length() != 3 || !isDigits(status) || status.charAt(0) < '1' || status.charAt(0) > '5') {
            return "the response's :status is " + (status == null ? "missing" : "'" + status + "', not a three-digit code");
        }
        if (status.charAt(0) == '1') {
            if (frame.isEndStream()) {
                return "an informational (" + status + ") response ends the stream";
            }
            if ("101".contentEquals(status)) {
                return "101 Switching Protocols is not allowed in HTTP/2";
            }
            return null;
        }
        finalSeen = true;
        return null;
    }

    private static boolean isDigits(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
