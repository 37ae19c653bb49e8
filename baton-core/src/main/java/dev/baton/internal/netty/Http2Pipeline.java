package dev.baton.internal.netty;

import dev.baton.Http2Config;
import dev.baton.ServerConfig;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The HTTP/2 side of a connection, assembled in one place: Netty's frame codec with the server's
 * settings and its limits against known attacks, then the {@link Http2Connection}, which takes
 * the codec's frames for its streams (each an {@link Http2ServerStream}, sharing the connection's
 * {@link Http2ConnectionParts}). The one entry point
 * for both ways a connection comes to speak HTTP/2: h2c by prior knowledge ({@link H2cPreface})
 * and h2 over TLS once ALPN negotiated it.
 */
final class Http2Pipeline {
    /** How long a closing connection waits for its open streams to finish after GOAWAY. */
    static final long GRACEFUL_CLOSE_MILLIS = 1000;

    private Http2Pipeline() {
    }

    /** Adds the HTTP/2 handlers at the end of {@code p}, an active connection's (after TLS, if any). */
    static void install(ChannelPipeline p, RequestDispatcher dispatcher) {
        ServerConfig config = dispatcher.server().config();
        Http2Config h2 = config.http2();
        Http2ConnectionParts parts = new Http2ConnectionParts(dispatcher.server(), p.channel());
        Http2FrameCodec codec = codec(config, h2);
        p.addLast(codec);
        p.addLast(new Http2Connection(dispatcher, codec, parts));
    }

    private static Http2FrameCodec codec(ServerConfig config, Http2Config h2) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(h2.maxConcurrentStreams())
                .initialWindowSize(h2.initialWindowSize())
                .maxFrameSize(h2.maxFrameSize())
                // the header list is bounded as HTTP/1.1's head: past it, 431; far past it, GOAWAY
                .maxHeaderListSize(config.maxHeaderSize());
        Http2FrameCodecBuilder b = Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .gracefulShutdownTimeoutMillis(GRACEFUL_CLOSE_MILLIS)
                .encoderEnforceMaxQueuedControlFrames(h2.maxQueuedControlFrames())
                .decoderEnforceMaxConsecutiveEmptyDataFrames(h2.maxEmptyDataFrames())
                .decoderEnforceMaxSmallContinuationFrames(h2.maxSmallContinuationFrames());
        if (h2.maxResetsPerWindow() > 0) {
            b.decoderEnforceMaxRstFramesPerWindow(h2.maxResetsPerWindow(), (int) h2.resetWindow().toSeconds());
        } else {
            b.decoderEnforceMaxRstFramesPerWindow(0, 0);
        }
        return b.build();
    }
}
