package dev.baton.client.internal;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Netty's response decoder, told per exchange whether the request was a HEAD (whose response is
 * its head alone, whatever its framing says, RFC 9110 9.3.2), and able to say whether bytes wait
 * past the response it last ended: those are no response to the next request (RFC 9112 6.3), so
 * the connection that holds them is closed rather than reused.
 */
final class ResponseDecoder extends HttpResponseDecoder {
    private boolean head;

    ResponseDecoder(int maxHeaderSize) {
        super(new HttpDecoderConfig().setMaxInitialLineLength(4096).setMaxHeaderSize(maxHeaderSize).setMaxChunkSize(64 * 1024));
    }

    /** The request being sent is a HEAD (event loop). */
    void expectHead(boolean value) {
        head = value;
    }

    /** Bytes received but not decoded yet (event loop). */
    int buffered() {
        return actualReadableBytes();
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        if (head && msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            return true;
        }
        return super.isContentAlwaysEmpty(msg);
    }
}
