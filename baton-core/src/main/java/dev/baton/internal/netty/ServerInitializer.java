package dev.baton.internal.netty;

import dev.baton.internal.tls.ServerTls;

import dev.baton.ServerConfig;
import dev.baton.internal.tls.TlsPipeline;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * The connection pipeline, assembled in one place. Over TLS: the {@link TlsPipeline} front
 * (plain-text check, SslHandler, {@code close_notify}) and, once the handshake is done, the
 * pipeline of the protocol ALPN chose: HTTP/2 or HTTP/1.1. In clear text: the h2c
 * preface check, then HTTP/1.1. HTTP/1.1: strict scanner, Netty's request decoder, aggregator
 * (100-continue, 413), connection handler. Responses need no encoder: {@link ResponseEncoder}
 * writes them as bytes.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {
    private final ServerConfig config;
    private final Dispatcher dispatcher;
    private final ChannelGroup channels;
    /** Null for plain HTTP. */
    private final ServerTls tls;

    ServerInitializer(ServerConfig config, Dispatcher dispatcher, ChannelGroup channels, ServerTls tls) {
        this.config = config;
        this.dispatcher = dispatcher;
        this.channels = channels;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (channels.size() >= config.maxConnections() || dispatcher.server().shutdown().isDraining()) {
            ch.close();
            return;
        }
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (tls == null) {
            if (config.http2().enabled()) {
                p.addLast(new H2cPreface(dispatcher)); // h2c by prior knowledge: steps aside at the first HTTP/1 byte
            }
            addHttp1(p);
            return;
        }
        TlsPipeline.install(p, tls.newHandler(ch.alloc()), this::addHttp1,
                config.http2().enabled() ? pipeline -> Http2Pipeline.install(pipeline, dispatcher) : null);
    }

    /** The HTTP/1.1 pipeline, after whatever carries it (TCP, or TLS once ALPN chose http/1.1). */
    void addHttp1(ChannelPipeline p) {
        addRequestDecoding(p, config, dispatcher.streamedRoutes());
        p.addLast(new ConnectionHandler(dispatcher));
    }

    /** Strict scanner, Netty's request decoder, request aggregator: bytes in, FullHttpRequest or RejectedRequest out. Tests build the same. */
    static void addRequestDecoding(ChannelPipeline p, ServerConfig config) {
        addRequestDecoding(p, config, StreamedRoutes.NONE);
    }

    /** The same, with the routes that stream their bodies: their heads go on at once, their bodies follow. */
    static void addRequestDecoding(ChannelPipeline p, ServerConfig config, StreamedRoutes streamed) {
        // the scanner enforces the documented limits; Netty's own are a little wider so that
        // they only ever act as a second line of defence
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                // Netty counts the empty lines it skips before a request line as part of it
                .setMaxInitialLineLength(config.maxRequestLineLength() + 2 + 2 * FieldSectionScanner.MAX_EMPTY_LINES)
                .setMaxHeaderSize(config.maxHeaderSize() + 256)
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(true)
                .setStrictLineParsing(true)
                // the scanner has checked every name (a token) and value (no CTL) already
                .setValidateHeaders(false);
        p.addLast(new StrictRequestScanner(config, streamed));
        p.addLast(new HttpRequestDecoder(decoder));
        p.addLast(new RequestAggregator(config.maxBodySize(), streamed));
    }
}
