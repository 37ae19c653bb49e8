package dev.baton.internal.netty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.http.Headers;
import dev.baton.http.HttpException;
import dev.baton.internal.json.JsonBodyProblems;
import dev.baton.http.Param;
import dev.baton.http.Request;
import dev.baton.http.RequestBody;
import dev.baton.internal.body.RequestBodyStream;
import dev.baton.routing.Route;
import io.netty.util.concurrent.ImmediateEventExecutor;
import dev.baton.tls.TlsSession;
import java.util.Optional;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.net.InetSocketAddress;
import dev.baton.http.ContentCharset;
import java.nio.charset.Charset;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The request a handler sees: the decoded head and a copy of the body, immutable. */
final class NettyRequest implements Request {
    private static final byte[] EMPTY = new byte[0];

    private final String method;
    private final String uri;
    private final String path;
    private final String protocol;
    private final HttpHeaders rawHeaders;
    private final Headers headers;
    private final byte[] body;
    private final InetSocketAddress remote;
    private final TlsSession tls;
    private final ObjectMapper json;
    private Map<String, String> pathParams = Map.of();
    /** The body as it arrives, on a route that streams it; else null, and {@link #bodyStream} wraps the aggregated bytes. */
    private RequestBodyStream stream;
    private Route streamingRoute;
    private Map<String, List<String>> query;

    NettyRequest(String method, String uri, String path, String protocol, HttpHeaders headers, byte[] body,
                 InetSocketAddress remote, TlsSession tls, ObjectMapper json) {
        this.method = method;
        this.uri = uri;
        this.path = path;
        this.protocol = protocol;
        this.rawHeaders = headers;
        this.headers = new NettyHeaders(headers);
        this.body = body == null ? EMPTY : body;
        this.remote = remote;
        this.tls = tls;
        this.json = json;
    }

    void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    void streamedBody(RequestBodyStream body, Route route) {
        this.stream = body;
        this.streamingRoute = route;
    }

    /**
     * The answer is going out: a streamed body not read to its end is dropped. True if the
     * connection can go on after the answer, false if it must close.
     */
    boolean settleBody() {
        return streamingRoute == null || stream.abandon();
    }

    /** True while the handler waits for body bytes the client has not sent. */
    boolean awaitsBody() {
        return streamingRoute != null && stream.awaitsClient();
    }

    @Override
    public RequestBody bodyStream() {
        if (stream == null) {
            stream = RequestBodyStream.of(body, ImmediateEventExecutor.INSTANCE);
        }
        return stream;
    }

    private byte[] aggregated() {
        if (streamingRoute != null) {
            throw new IllegalStateException(streamingRoute + " streams its request body (streamBody): read it with "
                    + "request.bodyStream(), or drop streamBody() to have it aggregated for body() and bodyAs()");
        }
        return body;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public Param header(String name) {
        return new Param("header", name, rawHeaders.get(name));
    }

    @Override
    public Param path(String name) {
        return new Param("path", name, pathParams.get(name));
    }

    @Override
    public Param query(String name) {
        List<String> values = queryParams().get(name);
        return new Param("query", name, values == null || values.isEmpty() ? null : values.get(0));
    }

    @Override
    public Map<String, List<String>> queryParams() {
        Map<String, List<String>> q = query;
        if (q == null) {
            try {
                q = dev.baton.internal.uri.QueryParameters.parse(uri);
            } catch (IllegalArgumentException e) {
                throw new HttpException(400, "malformed query string: " + e.getMessage());
            }
            query = q;
        }
        return q;
    }

    @Override
    public byte[] body() {
        return aggregated().clone();
    }

    @Override
    public String bodyText() {
        return new String(aggregated(), charset());
    }

    @Override
    public <T> T bodyAs(Class<T> type) {
        byte[] body = aggregated();
        String contentType = rawHeaders.get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType != null && !isJson(contentType)) {
            throw new HttpException(415, "expected a JSON body (application/json), got " + contentType);
        }
        if (body.length == 0) {
            throw new HttpException(400, "a JSON body is required");
        }
        try {
            T value = json.readValue(body, type);
            if (value == null) {
                throw new HttpException(400, "the JSON body is null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw JsonBodyProblems.badRequest(e, type);
        } catch (IOException e) {
            throw new HttpException(400, "unreadable JSON body");
        }
    }

    private static boolean isJson(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        String mime = (semi >= 0 ? t.substring(0, semi) : t).strip();
        return mime.equals("application/json") || mime.endsWith("+json");
    }

    private Charset charset() {
        try {
            return ContentCharset.of(rawHeaders.get(HttpHeaderNames.CONTENT_TYPE));
        } catch (UnsupportedCharsetException e) {
            throw new HttpException(415, "unsupported charset " + e.getCharsetName());
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }

    @Override
    public Optional<TlsSession> tls() {
        return Optional.ofNullable(tls);
    }
}
