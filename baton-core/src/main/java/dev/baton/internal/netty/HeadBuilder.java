package dev.baton.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;

/**
 * A response head being assembled: plain array copies, then one bulk write into the outbound
 * buffer instead of a bounds- and reference-checked write per field. One per thread, reused
 * (responses are encoded on event loops); {@link #get()} hands it out empty.
 */
final class HeadBuilder {
    private static final int INITIAL = 512;
    /** A head larger than this (huge application headers) is not kept for the next response. */
    private static final int KEEP_AT_MOST = 16 * 1024;
    private static final FastThreadLocal<HeadBuilder> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected HeadBuilder initialValue() {
            return new HeadBuilder();
        }
    };

    private byte[] bytes = new byte[INITIAL];
    private int length;

    private HeadBuilder() {
    }

    static HeadBuilder get() {
        HeadBuilder h = PER_THREAD.get();
        h.length = 0;
        if (h.bytes.length > KEEP_AT_MOST) {
            h.bytes = new byte[INITIAL];
        }
        return h;
    }

    HeadBuilder put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, length, b.length);
        length += b.length;
        return this;
    }

    /** One byte per char, as the wire has it; header text was checked to be Latin-1 when set. */
    HeadBuilder putLatin1(String s) {
        int n = s.length();
        ensure(n);
        byte[] a = bytes;
        int at = length;
        for (int i = 0; i < n; i++) {
            a[at + i] = (byte) s.charAt(i);
        }
        length += n;
        return this;
    }

    int length() {
        return length;
    }

    void writeTo(ByteBuf out) {
        out.writeBytes(bytes, 0, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
