package dev.baton.internal.netty;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after a refusal. The client may still be sending (a body we will not
 * read); a plain close with unread bytes makes the kernel send a reset, which can destroy our
 * answer before the client reads it (RFC 9112 9.6). So: close our side once the answer is
 * written, discard input for a moment, then close.
 */
final class LingeringClose implements ChannelFutureListener {
    static final LingeringClose INSTANCE = new LingeringClose();
    private static final long LINGER_MILLIS = 1000;

    private LingeringClose() {
    }

    @Override
    public void operationComplete(ChannelFuture written) {
        if (!written.isSuccess() || !(written.channel() instanceof DuplexChannel duplex)) {
            written.channel().close();
            return;
        }
        duplex.shutdownOutput().addListener(f -> {
            duplex.config().setAutoRead(true); // the scanner discards whatever arrives now
            duplex.eventLoop().schedule(() -> duplex.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }
}
