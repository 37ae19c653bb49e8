package dev.baton.internal.netty;

import dev.baton.internal.body.RequestBodyStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A request head handed on before its body, which follows through {@link #body}: what the
 * aggregator sends down for a route that streams its body. It is a (bodiless) full request, so
 * the connection queues and dispatches it like any other.
 */
final class StreamedRequest extends DefaultFullHttpRequest {
    final RequestBodyStream body;

    StreamedRequest(HttpRequest head, RequestBodyStream body) {
        super(head.protocolVersion(), head.method(), head.uri(), Unpooled.EMPTY_BUFFER, head.headers(), EmptyHttpHeaders.INSTANCE);
        this.body = body;
    }

    /** A refusal of {@code request}: if its body is streaming and cannot be drained, the connection closes after it. */
    static Dispatch.Refused settle(Object request, Dispatch.Refused refused) {
        if (request instanceof StreamedRequest streamed && !streamed.body.abandon() && !refused.forceClose()) {
            return new Dispatch.Refused(refused.response(), false, refused.head(), true, refused.line());
        }
        return refused;
    }
}
