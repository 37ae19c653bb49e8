package dev.baton.internal.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake: installs the pipeline of the protocol ALPN chose (http/1.1 when the
 * client offered none), then leaves. Each protocol is one branch calling one method that
 * builds its pipeline.
 */
final class ProtocolSelector extends ApplicationProtocolNegotiationHandler {
    private static final Logger log = LoggerFactory.getLogger(ProtocolSelector.class);
    private final Consumer<ChannelPipeline> http1;
    /** Null when HTTP/2 is off. */
    private final Consumer<ChannelPipeline> http2;

    ProtocolSelector(Consumer<ChannelPipeline> http1, Consumer<ChannelPipeline> http2) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.http1 = http1;
        this.http2 = http2;
    }

    /** The protocols the server advertises through ALPN, preferred first: h2 (unless it is off), then http/1.1. */
    static List<String> advertised(boolean http2) {
        return http2 ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
            http1.accept(ctx.pipeline());
            return;
        }
        if (http2 != null && ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            http2.accept(ctx.pipeline());
            return;
        }
        throw new IllegalStateException("ALPN chose " + protocol + ", which the server did not advertise");
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // scanners, old clients and timeouts: routine, not a server fault
        log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
