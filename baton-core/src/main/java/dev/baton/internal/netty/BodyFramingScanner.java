package dev.baton.internal.netty;

/**
 * Follows a request body through the bytes a {@link StrictRequestScanner} receives, so that the
 * head after it is found and checked: a fixed length counted down, or chunks (RFC 9112 7.1):
 * their size lines, their data and the CRLF after it, up to the body limit. Trailers are a field
 * section, read by the {@link FieldSectionScanner}. Event loop only.
 */
final class BodyFramingScanner {
    private static final int MAX_CHUNK_LINE = 1024;

    /** What a step found. */
    enum Step {
        /** More of the body was validated; go on. */
        MORE,
        /** The bytes needed next have not arrived. */
        NEED_INPUT,
        /** The body has ended; the next request's head follows. */
        ENDED,
        /** The last chunk has passed; the trailers follow. */
        TRAILERS
    }

    private enum Phase { FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF }

    private Phase phase;
    /** Bytes left in the fixed-length body or in the current chunk. */
    private long remaining;
    private long bodyBytes;
    private long maxBodySize;

    /** A fixed-length body of {@code length} bytes starts. */
    void fixed(long length) {
        phase = Phase.FIXED;
        remaining = length;
    }

    /** A chunked body starts, held to {@code maxBodySize} bytes of chunk data. */
    void chunked(long maxBodySize) {
        phase = Phase.CHUNK_SIZE;
        this.maxBodySize = maxBodySize;
        bodyBytes = 0;
    }

    /** Validates the next part of the body in {@code in}, of which {@code readable} bytes have arrived. */
    Step step(ScanBuffer in, int readable) {
        return switch (phase) {
            case FIXED, CHUNK_DATA -> data(in, readable);
            case CHUNK_CRLF -> chunkEnd(in, readable);
            case CHUNK_SIZE -> chunkSize(in, readable);
        };
    }

    private Step data(ScanBuffer in, int readable) {
        long take = Math.min(remaining, readable - in.validated);
        in.validated += (int) take;
        remaining -= take;
        in.lineStart = in.scanned = in.validated;
        if (remaining > 0) {
            return Step.MORE;
        }
        if (phase == Phase.FIXED) {
            return Step.ENDED;
        }
        phase = Phase.CHUNK_CRLF;
        return Step.MORE;
    }

    private Step chunkEnd(ScanBuffer in, int readable) {
        int available = Math.min(2, readable - in.validated);
        for (int i = 0; i < available; i++) {
            if (in.byteAt(in.validated + i) != "\r\n".charAt(i)) {
                throw new RejectedRequest.Violation(400, "chunk data is not followed by CRLF");
            }
        }
        if (available < 2) {
            return Step.NEED_INPUT;
        }
        in.validated += 2;
        in.lineStart = in.scanned = in.validated;
        phase = Phase.CHUNK_SIZE;
        return Step.MORE;
    }

    private Step chunkSize(ScanBuffer in, int readable) {
        int lf = in.findLf(readable);
        // + 1: the CR of a line of exactly the limit may have arrived without its LF
        if (lf < 0 ? readable - in.lineStart > MAX_CHUNK_LINE + 1 : lf - 1 - in.lineStart > MAX_CHUNK_LINE) {
            throw new RejectedRequest.Violation(400, "chunk size line is longer than " + MAX_CHUNK_LINE + " bytes");
        }
        if (lf < 0) {
            return Step.NEED_INPUT;
        }
        int end = in.crBefore(lf, "chunk size line");
        long size = HttpSyntax.chunkSize(in.array(), in.base() + in.lineStart, in.base() + end, maxBodySize);
        bodyBytes += size;
        if (bodyBytes > maxBodySize) {
            throw new RejectedRequest.Violation(413, "the body is larger than " + maxBodySize + " bytes");
        }
        in.nextLine(lf);
        in.validated = in.lineStart;
        if (size == 0) {
            return Step.TRAILERS;
        }
        remaining = size;
        phase = Phase.CHUNK_DATA;
        return Step.MORE;
    }
}
