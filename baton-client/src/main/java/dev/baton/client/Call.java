package dev.baton.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.client.internal.HeaderList;
import dev.baton.context.RequestContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One call being set up; {@link #send} starts it. Not thread-safe, not reusable once sent.
 * Completing the returned future from outside before the response (cancel, complete,
 * completeExceptionally, orTimeout), or a stage derived from it ({@code thenApply},
 * {@code handle}...), aborts the call and closes its connection; a {@code copy()} does not.
 *
 * <pre>{@code
 * CompletableFuture<Gizmo> g = client.get("http://inventory/gizmos/7")
 *     .header("Accept", "application/json")
 *     .timeout(Duration.ofMillis(500))       // each attempt
 *     .deadline(Duration.ofSeconds(2))       // the whole call, retries included
 *     .in(ctx)
 *     .send(as(Gizmo.class));
 * }</pre>
 */
public final class Call {
    private final HttpClient client;
    private final String method;
    private final URI uri;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private RequestBody body = RequestBody.EMPTY;
    private Duration timeout;
    private Duration deadline = Duration.ZERO;
    private RequestContext context;
    private RetryPolicy retry;
    private Boolean propagateDeadline;

    Call(HttpClient client, String method, URI uri) {
        this.client = client;
        this.method = method;
        this.uri = uri;
    }

    /**
     * Adds a header field (repeatable).
     *
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF, NUL or another control
     */
    public Call header(String name, String value) {
        headers.add(HeaderList.field(name, value)); // checked here, on the caller's line
        return this;
    }

    /** Marks the request as safe to repeat ({@code Idempotency-Key}), so that it may be retried. */
    public Call idempotencyKey(String key) {
        return header("Idempotency-Key", key);
    }

    /** The timeout of each attempt, over the client's default; {@link Duration#ZERO} for none. */
    public Call timeout(Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0");
        }
        timeout = value;
        return this;
    }

    /**
     * The time the whole call may take, every attempt and backoff included; {@link Duration#ZERO}
     * (the default) for no bound beyond the retry budget. Each attempt's timeout is capped by what
     * it leaves; when it passes, the call fails with {@link ClientTimeoutException} and the
     * connection of the attempt in flight is closed. With {@link #in}, the earlier of this and
     * the inbound request's deadline applies. It lasts until the call has its outcome: with
     * {@link BodyReader#stream()}, the head; the {@link #timeout} bounds the body as it streams.
     */
    public Call deadline(Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException("deadline must be >= 0");
        }
        deadline = value;
        return this;
    }

    /**
     * Makes the call on behalf of an inbound request: it gets the request's remaining deadline
     * (sent on as {@code Baton-Timeout}), is aborted when the request is cancelled, counts as
     * the request's pending work, and runs on the request's event loop.
     */
    public Call in(RequestContext ctx) {
        context = ctx;
        return this;
    }

    /** The retry policy of this call, over the client's. */
    public Call retry(RetryPolicy value) {
        retry = value;
        return this;
    }

    /** Whether to send the remaining time in {@code Baton-Timeout} (off for third-party services, say). */
    public Call propagateDeadline(boolean value) {
        propagateDeadline = value;
        return this;
    }

    public Call body(RequestBody value) {
        body = value;
        return this;
    }

    public Call text(String value) {
        return body(RequestBody.text(value));
    }

    /** A JSON body, written by the client's Jackson mapper. */
    public Call json(Object value) {
        try {
            return body(RequestBody.of(client.objectMapper().writeValueAsBytes(value), "application/json"));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Sends the request; completes with the response whatever its status. */
    public CompletableFuture<ClientResponse> send() {
        return client.execute(request(false), null, deadline);
    }

    /**
     * Sends the request and reads a successful response with {@code reader}; a non-2xx status
     * fails with {@link HttpStatusException}.
     */
    public <T> CompletableFuture<T> send(BodyReader<T> reader) {
        return client.execute(request(reader.streaming()), reader, deadline);
    }

    private ClientRequest request(boolean streamResponse) {
        ClientConfig c = client.config();
        return new ClientRequest(method, uri, HeaderList.of(headers), body, timeout != null ? timeout : c.timeout(),
                context, streamResponse, propagateDeadline != null ? propagateDeadline : c.propagateDeadline(),
                retry != null ? retry : c.retry());
    }
}
