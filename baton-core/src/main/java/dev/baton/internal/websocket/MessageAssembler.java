package dev.baton.internal.websocket;

import dev.baton.internal.metrics.ServerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * Joins a message's data frames (Netty's decoder has checked their order) up to the max message
 * size and hands each whole message to the inbox as a String or a byte[]. Event loop only.
 */
final class MessageAssembler {
    private final ByteBufAllocator alloc;
    private final int maxMessageSize;
    private final ServerMetrics metrics;
    private final WebSocketInbox inbox;
    private CompositeByteBuf partial;
    private boolean partialText;

    MessageAssembler(ByteBufAllocator alloc, int maxMessageSize, ServerMetrics metrics, WebSocketInbox inbox) {
        this.alloc = alloc;
        this.maxMessageSize = maxMessageSize;
        this.metrics = metrics;
        this.inbox = inbox;
    }

    /** Takes a data frame (and its buffer); false if the message has grown past the max message size. */
    boolean add(WebSocketFrame frame) {
        boolean first = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
        if (first && frame.isFinalFragment()) {
            return deliver(frame.content(), frame instanceof TextWebSocketFrame);
        }
        if (first) {
            partial = alloc.compositeBuffer(1024);
            partialText = frame instanceof TextWebSocketFrame;
        } else if (!(frame instanceof ContinuationWebSocketFrame) || partial == null) {
            frame.release();
            return true;
        }
        partial.addComponent(true, frame.content());
        if (partial.readableBytes() > maxMessageSize) {
            release();
            return false;
        }
        if (frame.isFinalFragment()) {
            CompositeByteBuf whole = partial;
            partial = null;
            return deliver(whole, partialText);
        }
        return true;
    }

    /** Drops a message not yet whole. */
    void release() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    /** The message too large to hand on {@code maxMessageSize} is why the session closes with 1009. */
    String tooLarge() {
        return "message larger than " + maxMessageSize + " bytes";
    }

    private boolean deliver(ByteBuf content, boolean text) {
        try {
            if (content.readableBytes() > maxMessageSize) { // one frame, decompressed
                return false;
            }
            metrics.webSocketMessagesIn.increment();
            if (text) {
                inbox.text(content.toString(StandardCharsets.UTF_8)); // the validator has checked it
            } else {
                byte[] data = new byte[content.readableBytes()];
                content.readBytes(data);
                inbox.binary(data);
            }
            return true;
        } finally {
            content.release();
        }
    }
}
