package dev.baton.internal.netty;

import dev.baton.ServerConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * The connection pipeline, assembled in one place:
 * the h2c preface check, strict scanner, Netty's request decoder, aggregator (100-continue, 413),
 * connection handler. Responses need no encoder: {@link ResponseEncoder} writes them as bytes.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {
    private final ServerConfig config;
    private final Dispatcher dispatcher;
    private final ChannelGroup channels;

    ServerInitializer(ServerConfig config, Dispatcher dispatcher, ChannelGroup channels) {
        this.config = config;
        this.dispatcher = dispatcher;
        this.channels = channels;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (channels.size() >= config.maxConnections() || dispatcher.server().shutdown().isDraining()) {
            ch.close();
            return;
        }
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        if (config.http2().enabled()) {
            p.addLast(new H2cPreface(dispatcher)); // h2c by prior knowledge: steps aside at the first HTTP/1 byte
        }
        addRequestDecoding(p, config);
        p.addLast(new ConnectionHandler(dispatcher));
    }

    /** Strict scanner, Netty's request decoder, request aggregator: bytes in, FullHttpRequest or RejectedRequest out. Tests build the same. */
    static void addRequestDecoding(ChannelPipeline p, ServerConfig config) {
        // the scanner enforces the documented limits; Netty's own are a little wider so that
        // they only ever act as a second line of defence
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                // Netty counts the empty lines it skips before a request line as part of it
                .setMaxInitialLineLength(config.maxRequestLineLength() + 2 + 2 * StrictRequestScanner.MAX_EMPTY_LINES)
                .setMaxHeaderSize(config.maxHeaderSize() + 256)
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(true)
                .setStrictLineParsing(true)
                // the scanner has checked every name (a token) and value (no CTL) already
                .setValidateHeaders(false);
        p.addLast(new StrictRequestScanner(config));
        p.addLast(new HttpRequestDecoder(decoder));
        p.addLast(new RequestAggregator(config.maxBodySize()));
    }
}
