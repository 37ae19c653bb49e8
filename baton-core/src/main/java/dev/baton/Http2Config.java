package dev.baton;

import java.time.Duration;

/**
 * The server's HTTP/2 settings and its limits against HTTP/2's known attacks, immutable. Set them
 * through {@link ServerConfig.Builder}'s {@code http2*} methods (or {@code server.http2*} keys in
 * baton.yaml); the header list is bounded by {@link ServerConfig#maxHeaderSize()} and
 * {@link ServerConfig#maxHeaderCount()}, a body by {@link ServerConfig#maxBodySize()}, an idle
 * connection by {@link ServerConfig#idleTimeout()}, as on HTTP/1.1.
 *
 * <pre>{@code ServerConfig.builder().http2MaxConcurrentStreams(50).http2(true)}</pre>
 *
 * @param enabled                    whether the server speaks HTTP/2 (h2c by prior knowledge; h2 where TLS negotiates it)
 * @param maxConcurrentStreams       streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); past it, RST_STREAM(REFUSED_STREAM)
 * @param initialWindowSize          each stream's flow-control window for request bodies (SETTINGS_INITIAL_WINDOW_SIZE)
 * @param maxFrameSize               the largest frame payload the server accepts (SETTINGS_MAX_FRAME_SIZE, 16384..16777215)
 * @param maxResetsPerWindow         RST_STREAM frames a client may send per {@code resetWindow} before GOAWAY(ENHANCE_YOUR_CALM): the rapid-reset flood (CVE-2023-44487); 0 disables
 * @param resetWindow                the window of {@code maxResetsPerWindow}
 * @param maxQueuedControlFrames     control frames (SETTINGS ack, PING ack, RST) queued for a client that does not read before it is cut: SETTINGS and PING floods
 * @param maxEmptyDataFrames         consecutive DATA frames without payload nor END_STREAM before GOAWAY
 * @param maxSmallContinuationFrames CONTINUATION frames with almost no payload before GOAWAY (CVE-2024-27316, with the header list limit)
 * @param maxConnectionBodyBytes     request body bytes one connection may hold at once across its streams, until each request is
 *                                   whole (a body streamed to its route is bounded by its window instead); a stream whose DATA
 *                                   would pass it is reset with REFUSED_STREAM (the client may retry it)
 */
public record Http2Config(boolean enabled, int maxConcurrentStreams, int initialWindowSize, int maxFrameSize,
                          int maxResetsPerWindow, Duration resetWindow, int maxQueuedControlFrames,
                          int maxEmptyDataFrames, int maxSmallContinuationFrames, long maxConnectionBodyBytes) {

    /**
     * The defaults: on, 100 streams, 64 KiB windows, 16 KiB frames, 200 resets per 30 s, 10000 control frames, 2 empty DATA,
     * 16 small CONTINUATION, 32 MiB of request bodies per connection.
     */
    public static final Http2Config DEFAULTS = new Http2Config(true, 100, 65_535, 16_384, 200, Duration.ofSeconds(30), 10_000, 2, 16,
            32L * 1024 * 1024);

    public Http2Config {
        require(maxConcurrentStreams > 0, "http2MaxConcurrentStreams must be > 0");
        require(initialWindowSize > 0, "http2InitialWindowSize must be 1..2147483647");
        require(maxFrameSize >= 16_384 && maxFrameSize <= 16_777_215, "http2MaxFrameSize must be 16384..16777215 (RFC 9113 6.5.2)");
        require(maxResetsPerWindow >= 0, "http2MaxResetsPerWindow must be >= 0 (0 disables)");
        require(resetWindow != null && resetWindow.toSeconds() > 0, "http2ResetWindow must be at least one second");
        require(maxQueuedControlFrames > 0, "http2MaxQueuedControlFrames must be > 0");
        require(maxEmptyDataFrames > 0, "http2MaxEmptyDataFrames must be > 0");
        require(maxSmallContinuationFrames > 0, "http2MaxSmallContinuationFrames must be > 0");
        require(maxConnectionBodyBytes > 0, "http2MaxConnectionBodyBytes must be > 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
