package dev.baton.internal.netty;

import io.netty.handler.codec.http.FullHttpRequest;
import java.net.InetSocketAddress;

/**
 * Turns a decoded request into a {@link Dispatch}; what a connection hands its requests to.
 * Called on the connection's event loop, one request at a time per connection. Tests give a
 * connection a fake one.
 */
interface RequestDispatcher {

    /** Routes and admits {@code req} (and releases it) for a connection answering through {@code sink}. */
    Dispatch dispatch(FullHttpRequest req, long arrivalNanos, InetSocketAddress remote, ResponseSink sink);

    /** The server-wide parts the connection uses. */
    ServerParts server();
}
