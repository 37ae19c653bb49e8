package dev.baton.client;

/**
 * The server's response broke HTTP/1.1 framing (a bad status line or header, a chunk size that is
 * no hex number, a trailer over the header limit...), in its head or anywhere in its body. The
 * call fails and its connection is closed: the decoder cannot find the next response on it.
 * Over HTTP/2, the response broke RFC 9113 (a missing {@code :status}, a connection-specific
 * header, a {@code content-length} its DATA contradict...): only its stream is reset.
 * Never retried: the request reached the server, and one that answers garbage once most likely
 * does so again.
 *
 * <pre>{@code client.get(uri).send().exceptionally(e -> e.getCause() instanceof MalformedResponseException ? fallback : null);}</pre>
 */
public final class MalformedResponseException extends HttpClientException {
    public MalformedResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
