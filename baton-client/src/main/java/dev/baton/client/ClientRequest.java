package dev.baton.client;

import dev.baton.client.internal.HeaderList;
import dev.baton.context.RequestContext;
import dev.baton.http.Headers;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One outbound request as interceptors see it: immutable; an interceptor that changes it
 * passes a modified copy to {@link Interceptor.Chain#proceed}.
 *
 * <pre>{@code chain.proceed(request.withHeader("Authorization", "Bearer " + token))}</pre>
 */
public final class ClientRequest {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final String method;
    private final URI uri;
    private final HeaderList headers;
    private final RequestBody body;
    private final Duration timeout;
    private final RequestContext context;
    private final boolean streamResponse;
    private final boolean propagateDeadline;
    private final RetryPolicy retry;

    ClientRequest(String method, URI uri, HeaderList headers, RequestBody body, Duration timeout, RequestContext context,
                  boolean streamResponse, boolean propagateDeadline, RetryPolicy retry) {
        this.method = method.toUpperCase(Locale.ROOT);
        this.uri = uri;
        this.headers = headers;
        this.body = body;
        this.timeout = timeout;
        this.context = context;
        this.streamResponse = streamResponse;
        this.propagateDeadline = propagateDeadline;
        this.retry = retry;
    }

    public String method() {
        return method;
    }

    /** The absolute {@code http} or {@code https} URI. */
    public URI uri() {
        return uri;
    }

    public Headers headers() {
        return headers;
    }

    public RequestBody body() {
        return body;
    }

    /** The timeout of each attempt ({@link Duration#ZERO}: none), before the call's deadline caps it. */
    public Duration timeout() {
        return timeout;
    }

    /** The inbound request this call is made for, if any (its deadline, cancellation and trace). */
    public Optional<RequestContext> context() {
        return Optional.ofNullable(context);
    }

    /** True if the response body is handed over as a stream instead of being buffered. */
    public boolean streamResponse() {
        return streamResponse;
    }

    /** True if the attempt's remaining time is sent in the {@code Baton-Timeout} header. */
    public boolean propagateDeadline() {
        return propagateDeadline;
    }

    /** The retry policy for this call. */
    public RetryPolicy retry() {
        return retry;
    }

    /** True for methods that may be repeated safely, or when the request carries an {@code Idempotency-Key}. */
    public boolean isIdempotent() {
        return IDEMPOTENT.contains(method) || headers.contains("Idempotency-Key");
    }

    /** A copy where {@code name} has exactly the value {@code value}; null removes it. */
    public ClientRequest withHeader(String name, String value) {
        return new ClientRequest(method, uri, headers.with(name, value), body, timeout, context, streamResponse,
                propagateDeadline, retry);
    }

    public ClientRequest withUri(URI value) {
        return new ClientRequest(method, value, headers, body, timeout, context, streamResponse, propagateDeadline, retry);
    }

    public ClientRequest withTimeout(Duration value) {
        return new ClientRequest(method, uri, headers, body, value, context, streamResponse, propagateDeadline, retry);
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }
}
