package dev.baton.internal.tls;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.function.Consumer;

/**
 * The TLS front of a connection on an HTTPS port, nearest the socket first: a check for plain
 * text ({@link PlaintextOnTlsPort}), the SslHandler, {@code close_notify} handling
 * ({@link TlsClosure}) and, once the handshake is done, the pipeline of the protocol ALPN chose
 * ({@link ProtocolSelector}).
 *
 * <pre>{@code TlsPipeline.install(ch.pipeline(), tls.newHandler(ch.alloc()), this::addHttp1, null);}</pre>
 */
public final class TlsPipeline {
    private TlsPipeline() {
    }

    /** The protocols the server advertises through ALPN, preferred first: h2 (unless it is off), then http/1.1. */
    public static List<String> advertised(boolean http2) {
        return ProtocolSelector.advertised(http2);
    }

    /**
     * Adds the TLS front to {@code p}; after the handshake {@code http1} or {@code http2} (null
     * when HTTP/2 is off) builds the rest.
     */
    public static void install(ChannelPipeline p, SslHandler ssl, Consumer<ChannelPipeline> http1, Consumer<ChannelPipeline> http2) {
        p.addLast(new PlaintextOnTlsPort());
        p.addLast(ssl);
        p.addLast(new TlsClosure());
        p.addLast(new ProtocolSelector(http1, http2));
    }
}
