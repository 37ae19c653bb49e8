package dev.baton.http;

import dev.baton.tls.TlsSession;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the handler sees it: immutable and safe to read from any thread.
 *
 * <pre>{@code UUID id = request.path("id").asUuid(); Gizmo g = request.bodyAs(Gizmo.class);}</pre>
 */
public interface Request {

    /** The method, upper case ({@code GET}, {@code POST}, ...). */
    String method();

    /** The decoded path, without the query string. */
    String path();

    /** The request target as sent (path and query). */
    String uri();

    /** The version the request was sent with: {@code HTTP/1.1}, {@code HTTP/1.0}, a later {@code HTTP/1.x} (served as 1.1), or {@code HTTP/2.0} on an HTTP/2 stream. */
    String protocol();

    Headers headers();

    /** A header as a {@link Param}, for typed access with a 400 on bad input. */
    Param header(String name);

    /** A path parameter of the matched route ({@code /gizmos/{id}}). */
    Param path(String name);

    /** The first value of a query parameter. */
    Param query(String name);

    /**
     * Every query parameter with all its values, in order, parsed as HTML forms encode them
     * ({@code &}-separated, {@code +} a space, UTF-8 escapes).
     *
     * @throws HttpException 400 if a name or value is not UTF-8 once decoded
     */
    Map<String, List<String>> queryParams();

    /**
     * The body as it arrives, for a route declared with {@code streamBody(limit)}; on any other
     * route, the aggregated body as one buffer. One reader per request.
     */
    default RequestBody bodyStream() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no body stream");
    }

    /**
     * The body bytes; empty when there is none.
     *
     * @throws IllegalStateException on a route that streams its body: read {@link #bodyStream()}
     */
    byte[] body();

    /** The body decoded as UTF-8 (or the charset the Content-Type names). */
    String bodyText();

    /** The body parsed as JSON into {@code type}; 400 on malformed JSON, 415 on a non-JSON content type. */
    <T> T bodyAs(Class<T> type);

    InetSocketAddress remoteAddress();

    /** {@code https} when the request came over TLS, else {@code http}: for absolute URIs ({@code Location}, links). */
    default String scheme() {
        return tls().isPresent() ? "https" : "http";
    }

    /** What the connection's TLS handshake negotiated (protocol, cipher, ALPN, the client's certificate); empty over plain HTTP. */
    default Optional<TlsSession> tls() {
        return Optional.empty();
    }
}
