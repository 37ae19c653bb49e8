package dev.baton.internal.coding;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The gzip format (RFC 1952) around the JDK's raw deflate: a 10-byte header, the deflated data,
 * then the CRC-32 and length of the input. One instance compresses one body, whole or in
 * pieces ({@link #next} with a sync flush, so that each piece reaches the client decodable);
 * {@link #end} frees the native deflater and must be called whatever happens.
 */
public final class Gzip {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private boolean headerWritten;
    private byte[] buffer = new byte[8192];

    public Gzip(int level) {
        this.deflater = new Deflater(level, true);
    }

    /** A whole body, compressed at {@code level}. */
    public static byte[] compress(byte[] body, int level) {
        Gzip gzip = new Gzip(level);
        try {
            return gzip.last(body, 0, body.length);
        } finally {
            gzip.end();
        }
    }

    /** {@code len} more bytes, flushed: what to send now (header included the first time). */
    public byte[] next(byte[] in, int off, int len) {
        crc.update(in, off, len);
        deflater.setInput(in, off, len);
        int n = start(len);
        n = drain(n, Deflater.SYNC_FLUSH);
        return Arrays.copyOf(buffer, n);
    }

    /** The last {@code len} bytes and the trailer: what ends the body. */
    public byte[] last(byte[] in, int off, int len) {
        crc.update(in, off, len);
        deflater.setInput(in, off, len);
        deflater.finish();
        int n = start(len);
        while (!deflater.finished()) {
            n = grow(n);
            n += deflater.deflate(buffer, n, buffer.length - n);
        }
        n = grow(n + 8) - 8;
        int c = (int) crc.getValue();
        int size = (int) deflater.getBytesRead(); // ISIZE is the length modulo 2^32
        for (int i = 0; i < 4; i++) {
            buffer[n + i] = (byte) (c >>> (8 * i));
            buffer[n + 4 + i] = (byte) (size >>> (8 * i));
        }
        return Arrays.copyOf(buffer, n + 8);
    }

    /** Frees the deflater; idempotent. */
    public void end() {
        deflater.end();
    }

    private int start(int inputLength) {
        if (headerWritten) {
            return 0;
        }
        headerWritten = true;
        int expected = HEADER.length + inputLength / 2 + 64;
        if (buffer.length < expected) {
            buffer = new byte[expected];
        }
        System.arraycopy(HEADER, 0, buffer, 0, HEADER.length);
        return HEADER.length;
    }

    private int drain(int n, int flush) {
        while (true) {
            n = grow(n);
            int wrote = deflater.deflate(buffer, n, buffer.length - n, flush);
            n += wrote;
            if (n < buffer.length) { // room left over: the deflater had nothing more to give
                return n;
            }
        }
    }

    /** Makes room after {@code n} bytes; returns {@code n}. */
    private int grow(int n) {
        if (buffer.length - n < 64) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2 + 64);
        }
        return n;
    }
}
