package dev.baton.http;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A response body that is {@code length} bytes of a file from {@code offset}: what a protocol
 * writer streams from disk (HTTP/1.1 cleartext: {@code sendfile}) instead of from memory.
 *
 * <pre>{@code return Response.ok().file(new FileBody(path, 0, Files.size(path)), "application/pdf");}</pre>
 *
 * @param path   the file (a regular file)
 * @param offset the first byte sent
 * @param length how many bytes are sent
 */
public record FileBody(Path path, long offset, long length) {
    public FileBody {
        Objects.requireNonNull(path, "path");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", " + length);
        }
    }
}
