/**
 * Baton's outbound HTTP client: per-host connection limits, retries, deadlines and
 * cancellation carried from the request being served.
 *
 * <pre>{@code module my.app { requires dev.baton.client; }}</pre>
 */
module dev.baton.client {
    requires transitive dev.baton.core;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport.classes.epoll;

    exports dev.baton.client;
}
