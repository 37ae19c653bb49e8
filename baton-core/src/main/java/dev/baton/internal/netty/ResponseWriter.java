package dev.baton.internal.netty;

import dev.baton.http.Problem;
import dev.baton.http.Response;
import io.netty.buffer.ByteBuf;
import dev.baton.http.FileBody;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes and writes a connection's responses on its event loop: the framing its client's
 * version and the connection's fate call for, a 500 in place of a response that cannot be
 * encoded, and one flush per read burst (responses written while the loop reads pipelined
 * requests go out together when the read completes).
 */
final class ResponseWriter {
    private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);

    private final ResponseRenderer renderer;
    private final byte[] serverLine;
    private ChannelHandlerContext ctx;
    private boolean inRead;
    private boolean needsFlush;
    /** The request being answered came as HTTP/1.0: no chunked framing, no keep-alive by default. */
    private boolean http10;

    ResponseWriter(ServerParts server) {
        this.renderer = server.renderer();
        this.serverLine = ResponseEncoder.serverLine(server.config().serverHeader());
    }

    void bind(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void readStarted() {
        inRead = true;
    }

    void readEnded() {
        inRead = false;
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
    }

    void http10(boolean value) {
        http10 = value;
    }

    boolean http10() {
        return http10;
    }

    /** A response with no content whatever its body: to HEAD, a 205, or a status that allows none. */
    static boolean endsWithHead(boolean head, int status) {
        return head || status == 205 || ResponseEncoder.hasNoLengthFields(status);
    }

    /** An exchange's full response (a streamed one that ends with its head included), then closes if {@code close}; its bytes. */
    int write(Exchange ex, ResponseRenderer.Rendered answer, boolean close) {
        return write(ex, answer, close, false);
    }

    /** The same; {@code linger}: closing while the client may still send (an unread body), see {@link LingeringClose}. */
    int write(Exchange ex, ResponseRenderer.Rendered answer, boolean close, boolean linger) {
        Response response = answer.response();
        boolean streamed = response.bodyKind() == Response.BodyKind.STREAM || response.bodyKind() == Response.BodyKind.EVENTS;
        String timing = ex.listener.serverTiming();
        // a streamed response to HEAD, or with a status that allows no content, is its head alone:
        // the producer never runs and the connection goes on to the next request
        ByteBuf msg = streamed ? streamHead(response, close, timing) : encode(response, answer.json(), ex.head, close, timing);
        int bytes = msg.readableBytes();
        if (response.bodyKind() == Response.BodyKind.FILE && !endsWithHead(ex.head, response.status())
                && ((FileBody) response.body()).length() > 0) {
            ctx.write(msg, ctx.voidPromise());
            FileBody file = (FileBody) response.body();
            bytes = (int) Math.min(Integer.MAX_VALUE, bytes + file.length());
            ChannelFuture sent = FileWrites.write(ctx, file);
            sent.addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
            flushSoon();
            return bytes;
        }
        if (close) {
            ctx.write(msg).addListener(linger ? LingeringClose.INSTANCE : ChannelFutureListener.CLOSE);
        } else {
            ctx.write(msg, ctx.voidPromise()); // a failure reaches exceptionCaught, which closes: no promise per response
        }
        flushSoon();
        return bytes;
    }

    /**
     * The server's own answer (no handler made it). Closing, it is flushed at once and the
     * connection closed after it; {@code linger}: after reading what the client still sends, so
     * that a refused request's unread bytes do not reset the connection before the answer lands.
     * Returns its bytes.
     */
    int writeOwn(Response response, boolean head, boolean close, boolean linger) {
        ResponseRenderer.Rendered own = renderer.own(response);
        ByteBuf msg = encode(own.response(), own.json(), head, close, null);
        int bytes = msg.readableBytes();
        if (close) {
            ctx.writeAndFlush(msg).addListener(linger ? LingeringClose.INSTANCE : ChannelFutureListener.CLOSE);
            return bytes;
        }
        ctx.write(msg, ctx.voidPromise());
        flushSoon();
        return bytes;
    }

    /** A full response as one buffer; a response that cannot be encoded becomes a 500. */
    ByteBuf encode(Response response, byte[] json, boolean head, boolean close, String serverTiming) {
        var framing = new ResponseEncoder.Framing(close, http10, serverLine, serverTiming);
        try {
            return ResponseEncoder.full(ctx.alloc(), response, json, head, framing);
        } catch (RuntimeException e) {
            log.error("cannot encode response {}", response, e);
            Response problem = Problem.of(500, "the response could not be encoded").toResponse();
            return ResponseEncoder.full(ctx.alloc(), problem, renderer.problemJson(problem), head, framing);
        }
    }

    /** The head of a streamed response; {@code close}: the body ends with the connection (no chunked framing). */
    ByteBuf streamHead(Response response, boolean close, String serverTiming) {
        return ResponseEncoder.streamHead(ctx.alloc(), response, new ResponseEncoder.Framing(close, http10, serverLine, serverTiming));
    }

    private void flushSoon() {
        if (inRead) {
            needsFlush = true;
        } else {
            ctx.flush();
        }
    }
}
