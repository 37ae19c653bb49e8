package dev.baton.internal.netty;

import dev.baton.http.FileBody;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file's bytes after their head on an HTTP/1.1 connection. In cleartext the kernel
 * copies them to the socket ({@code sendfile} through {@link DefaultFileRegion}: no copy in the
 * JVM). Under TLS the bytes must pass through the engine, so they are read in 64 KiB chunks, each
 * only when the connection can take more ({@link ChunkedWriteHandler}, added to the connection
 * the first time it serves a file). Either way the file is opened here, on the event loop, when
 * the response is written: the handler checked it (stat, real path) on its own thread.
 */
final class FileWrites {
    private static final int CHUNK = 64 * 1024;
    private static final String CHUNKED_WRITER = "baton-chunked-file";

    private FileWrites() {
    }

    /** Writes {@code file} from {@code ctx} (event loop); the future completes once it was all written. */
    static ChannelFuture write(ChannelHandlerContext ctx, FileBody file) {
        if (ctx.pipeline().get(SslHandler.class) == null) {
            return ctx.write(new DefaultFileRegion(file.path().toFile(), file.offset(), file.length()));
        }
        if (ctx.pipeline().get(CHUNKED_WRITER) == null) {
            ctx.pipeline().addBefore(ctx.name(), CHUNKED_WRITER, new ChunkedWriteHandler());
        }
        try {
            FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ);
            return ctx.write(new ChunkedNioFile(channel, file.offset(), file.length(), CHUNK));
        } catch (IOException e) {
            return ctx.newFailedFuture(e);
        }
    }
}
