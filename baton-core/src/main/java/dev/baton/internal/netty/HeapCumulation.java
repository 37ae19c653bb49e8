package dev.baton.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** How the scanner holds the bytes it has not forwarded yet: on the heap, appended to as reads come. */
final class HeapCumulation {

    private HeapCumulation() {
    }

    /**
     * Inbound bytes on the heap, copied once: every byte of a head is read several times (here and
     * in Netty's decoder), and the scanner reads the backing array with no per-byte checks. A plain
     * array, not a pooled buffer: it lives for one read, which is what a young generation is for.
     */
    static ByteBuf toHeap(ByteBuf in) {
        if (in.hasArray()) {
            return in;
        }
        byte[] copy = new byte[in.readableBytes()];
        in.readBytes(copy);
        in.release();
        return Unpooled.wrappedBuffer(copy);
    }

    /** A head or body split across reads: the new bytes after the ones still held, on the heap. */
    static ByteBuf append(ByteBuf held, ByteBuf in) {
        try {
            if (held.refCnt() == 1 && held.hasArray() && held.maxFastWritableBytes() >= in.readableBytes()) {
                return held.writeBytes(in);
            }
            int size = held.readableBytes() + in.readableBytes();
            // room to spare: a head trickling in a few bytes per read is copied O(n) times in all, not O(n^2)
            ByteBuf merged = Unpooled.buffer(Math.max(size, Math.max(2 * held.readableBytes(), 1024)), Integer.MAX_VALUE);
            merged.writeBytes(held).writeBytes(in);
            held.release();
            return merged;
        } finally {
            in.release();
        }
    }

}
