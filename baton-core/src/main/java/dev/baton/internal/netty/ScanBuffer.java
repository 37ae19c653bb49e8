package dev.baton.internal.netty;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a {@link StrictRequestScanner} has received and not yet forwarded, and how far it
 * has got through them. Offsets count from the cumulation's reader index; the backing array is
 * held only while a scan runs. Event loop only.
 */
final class ScanBuffer {
    private ByteBuf cumulation;
    /** The cumulation's backing array, and the array index of its reader index, while scanning. */
    private byte[] bytes;
    private int base;
    /** Bytes validated and not yet forwarded. */
    int validated;
    /** Start of the line being scanned. */
    int lineStart;
    /** End of the bytes known to hold no LF. */
    int scanned;

    /** Adds {@code in} (taking it) to what has arrived. */
    void append(ByteBuf in) {
        cumulation = cumulation == null ? HeapCumulation.toHeap(in) : HeapCumulation.append(cumulation, in);
    }

    /** Starts a scan: the array is held until {@link #endScan()}; returns the bytes readable. */
    int startScan() {
        bytes = cumulation.array();
        base = cumulation.arrayOffset() + cumulation.readerIndex();
        return cumulation.readableBytes();
    }

    /** The array belongs to the cumulation: it is not pinned past the scan. */
    void endScan() {
        bytes = null;
    }

    /** The validated bytes, taken off the front; null if none. */
    ByteBuf takeValidated() {
        if (validated == 0) {
            return null;
        }
        ByteBuf valid = cumulation.readRetainedSlice(validated);
        lineStart -= validated;
        scanned -= validated;
        validated = 0;
        return valid;
    }

    /** Frees the cumulation once everything in it has been forwarded. */
    void releaseIfConsumed() {
        if (cumulation != null && !cumulation.isReadable()) {
            release();
            lineStart = 0;
            scanned = 0;
        }
    }

    /** True if bytes are waiting. */
    boolean isReadable() {
        return cumulation != null && cumulation.isReadable();
    }

    void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    /** The offset of the next LF of the current line, or -1 (and all that has arrived is known to hold none). */
    int findLf(int readable) {
        int from = Math.max(scanned, lineStart);
        int i = cumulation.indexOf(index(from), index(readable), (byte) '\n');
        if (i < 0) {
            scanned = readable;
            return -1;
        }
        return i - cumulation.readerIndex();
    }

    /** The end of the line's content: the CR before {@code lf}, which must be there. */
    int crBefore(int lf, String what) {
        if (lf == lineStart || byteAt(lf - 1) != '\r') {
            throw new RejectedRequest.Violation(400, what + " ends in a bare LF; lines must end in CRLF");
        }
        return lf - 1;
    }

    /** The line ending at {@code lf} is done: the next starts after it. */
    void nextLine(int lf) {
        lineStart = scanned = lf + 1;
    }

    byte byteAt(int offset) {
        return bytes[base + offset];
    }

    /** The backing array, while scanning: offset {@code o} is at {@code array()[base() + o]}. */
    byte[] array() {
        return bytes;
    }

    int base() {
        return base;
    }

    /** The bytes from {@code offset} to {@code end} as ISO-8859-1 text. */
    String text(int offset, int end) {
        return cumulation.toString(index(offset), end - offset, StandardCharsets.ISO_8859_1);
    }

    private int index(int offset) {
        return cumulation.readerIndex() + offset;
    }
}
