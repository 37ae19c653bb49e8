package dev.baton.internal.netty;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import dev.baton.tls.TlsSession;
import java.net.InetSocketAddress;

/**
 * Turns a decoded request into a {@link Dispatch}; what a connection hands its requests to.
 * Called on the connection's event loop, one request at a time per connection. Tests give a
 * connection a fake one.
 */
interface RequestDispatcher {

    /**
     * Routes and admits {@code req} (and releases it) for a connection answering through {@code sink};
     * {@code tls} is what the connection's handshake negotiated, null over plain TCP.
     */
    Dispatch dispatch(FullHttpRequest req, long arrivalNanos, InetSocketAddress remote, TlsSession tls, ResponseSink sink);

    /**
     * Before a {@code 100 Continue}: the final answer a request with this head is sure to get
     * without its body (a bad target, 404, 405, 501, 503), or null when the body is wanted. A
     * client that asked {@code Expect: 100-continue} then gets that answer at once, as nginx
     * and Kestrel give it, instead of sending a body nobody will read.
     */
    default Dispatch.Refused refuseBeforeBody(HttpRequest head) {
        return null;
    }

    /** The routes that stream their request bodies, for the connections' decoding. */
    default StreamedRoutes streamedRoutes() {
        return StreamedRoutes.NONE;
    }

    /** The server-wide parts the connection uses. */
    ServerParts server();
}
