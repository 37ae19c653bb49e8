package dev.baton.operations.client;

import dev.baton.client.Call;
import dev.baton.client.ClientResponse;
import dev.baton.client.HttpClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Turns a long-running operation back into one future with a progress callback. Works with
 * Baton's operations API ({@code baton-operations}) and with any service that follows the
 * Microsoft REST API guidelines for long-running operations.
 *
 * <pre>{@code
 * OperationsClient ops = OperationsClient.of(http, URI.create("http://reports:8080/operations"));
 * CompletableFuture<Report> report = ops.submit("report", new ReportRequest(2026), Report.class,
 *         p -> bar.set(p.percentComplete()));
 * report.cancel(true);   // sends DELETE to the operation, and stops following it
 * }</pre>
 *
 * <p><b>How it follows.</b> First through the event stream {@code {operationUrl}/events}
 * (Server-Sent Events, each event's data the operation resource), reopened with
 * {@code Last-Event-ID} when cut; where there is none, by polling {@code GET {operationUrl}} as
 * {@code Retry-After} asks, with {@code If-None-Match}. Statuses are compared leniently
 * ({@link OperationState#parse}).
 *
 * <p><b>Threads.</b> Each follow runs on a virtual thread of its own, which ends with it: the
 * progress callback runs there, in order, one call at a time, never on an event loop. A callback
 * that throws is logged (SLF4J, {@code dev.baton.operations.client.OperationsClient}) and the
 * follow goes on. A slow callback delays that operation's follow only.
 *
 * <p><b>Outcomes.</b> The returned future completes with the terminal resource's {@code result}
 * (or, without one, the body at its {@code resourceLocation}) converted by the HttpClient's
 * {@link HttpClient#objectMapper() mapper}; {@code Void.class} gives null. A failed or canceled
 * operation fails it with {@link OperationFailedException}; a request the service refused (404 no
 * such type or operation, 400, 413, 422, 503 after retries...) with baton-client's
 * {@link dev.baton.client.HttpStatusException}, its response holding the problem; a connection
 * that keeps failing with baton-client's other exceptions.
 *
 * <p><b>Stopping.</b> {@code cancel(true)} on the returned future sends {@code DELETE
 * {operationUrl}} once (also when the {@code POST} has not answered yet: its answer says what to
 * cancel) and stops following. Completing it any other way ({@code orTimeout}, {@code complete})
 * stops following without cancelling the operation, which {@link #resume} can pick up again.
 * Stopping aborts the request in flight and closes the stream. Only the returned future has this
 * effect; a stage derived from it ({@code thenApply}) does not pass a cancel back.
 */
public final class OperationsClient {
    private final HttpClient http;
    private final URI base;
    private final FollowOptions options;

    private OperationsClient(HttpClient http, URI base, FollowOptions options) {
        this.http = http;
        this.base = base;
        this.options = options;
    }

    /** A client with the defaults, for the operations API at {@code base} ({@code http://host:port/operations}). */
    public static OperationsClient of(HttpClient http, URI base) {
        return builder(http, base).build();
    }

    public static Builder builder(HttpClient http, URI base) {
        return new Builder(http, base);
    }

    /** Starts an operation without watching its progress; see {@link #submit(String, Object, Class, Consumer)}. */
    public <R> CompletableFuture<R> submit(String type, Object input, Class<R> resultType) {
        return submit(type, input, resultType, p -> { });
    }

    /**
     * Starts an operation of {@code type}: {@code POST {base}/{type}} with {@code input} as JSON
     * (no body when null) and a random {@code Idempotency-Key}, so that a POST the HttpClient
     * retries (a broken connection, a 503) never starts a second run. Then follows it.
     */
    public <R> CompletableFuture<R> submit(String type, Object input, Class<R> resultType,
                                           Consumer<OperationProgress> onProgress) {
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("an operation type is needed");
        }
        check(resultType, onProgress);
        URI uri = child(type);
        Call post = call("POST", uri).idempotencyKey(UUID.randomUUID().toString())
                .header("Accept", "application/json");
        if (input != null) {
            post.json(input); // an input Jackson cannot write fails here, on the caller's line
        }
        return new OperationFollower<>(this, resultType, onProgress).accepted(post.send(), uri);
    }

    /** Re-attaches to operation {@code id} without watching its progress. */
    public <R> CompletableFuture<R> resume(String id, Class<R> resultType) {
        return resume(id, resultType, p -> { });
    }

    /**
     * Re-attaches to the existing operation {@code id} ({@code {base}/{id}}): after a restart, or in
     * another process than the one that submitted it. The progress replays from its first event
     * when the service has an event stream, from its current state when polled.
     */
    public <R> CompletableFuture<R> resume(String id, Class<R> resultType, Consumer<OperationProgress> onProgress) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("an operation id is needed");
        }
        return follow(child(id), resultType, onProgress);
    }

    /**
     * Follows the operation a response announced: a {@code 202 Accepted} with
     * {@code Operation-Location} (preferred) or {@code Location}, from Baton (a route marked
     * {@code respondAsync()} asked with {@code Prefer: respond-async}, say) or from any service
     * following the guidelines. A relative location is resolved against this client's base (a
     * response does not know its request). Any
     * other 2xx is taken as the work already done (a {@code Prefer: wait} that was long enough):
     * its body is the result. Any other status fails with {@link dev.baton.client.HttpStatusException}.
     */
    public <R> CompletableFuture<R> follow(ClientResponse accepted, Class<R> resultType,
                                           Consumer<OperationProgress> onProgress) {
        Objects.requireNonNull(accepted, "accepted");
        check(resultType, onProgress);
        return new OperationFollower<>(this, resultType, onProgress).accepted(CompletableFuture.completedFuture(accepted), base);
    }

    /** Follows the operation at {@code operationLocation} (relative: against the base). */
    public <R> CompletableFuture<R> follow(URI operationLocation, Class<R> resultType,
                                           Consumer<OperationProgress> onProgress) {
        Objects.requireNonNull(operationLocation, "operationLocation");
        check(resultType, onProgress);
        URI url = base.resolve(operationLocation);
        http.request("GET", url); // an URL the client cannot call fails here, on the caller's line
        return new OperationFollower<>(this, resultType, onProgress).follow(url);
    }

    /** The operations API this client talks to. */
    public URI base() {
        return base;
    }

    HttpClient http() {
        return http;
    }

    FollowOptions options() {
        return options;
    }

    /**
     * A call with the configured headers, sent only to the base's origin: an {@code
     * Operation-Location} on another host must not receive the credentials meant for this one.
     */
    Call call(String method, URI uri) {
        Call call = http.request(method, uri);
        if (sameOrigin(uri)) {
            options.headers().forEach(h -> call.header(h.getKey(), h.getValue()));
        }
        return call;
    }

    private boolean sameOrigin(URI uri) {
        return base.getScheme().equalsIgnoreCase(uri.getScheme()) && base.getHost().equalsIgnoreCase(uri.getHost())
                && port(base) == port(uri);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private URI child(String segment) {
        String path = base.getRawPath();
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + (path.endsWith("/") ? path : path + "/")
                + encode(segment));
    }

    /** A path segment with everything but RFC 3986's unreserved characters percent-encoded. */
    private static String encode(String segment) {
        StringBuilder sb = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
            }
        }
        return sb.toString();
    }

    private static void check(Class<?> resultType, Consumer<OperationProgress> onProgress) {
        Objects.requireNonNull(resultType, "resultType (Void.class for none)");
        Objects.requireNonNull(onProgress, "onProgress");
    }

    /**
     * Builds an {@link OperationsClient}; every setting has a default.
     *
     * <pre>{@code OperationsClient.builder(http, base).header("Authorization", "Bearer " + token).pollInterval(Duration.ofSeconds(2)).build();}</pre>
     */
    public static final class Builder {
        private final HttpClient http;
        private final URI base;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration minPollInterval = Duration.ofMillis(100);
        private Duration maxPollInterval = Duration.ofSeconds(30);
        private int reconnectAttempts = 5;
        private Duration reconnectDelay = Duration.ofMillis(250);
        private Duration streamTimeout = Duration.ofMinutes(2);
        private boolean events = true;

        private Builder(HttpClient http, URI base) {
            this.http = Objects.requireNonNull(http, "http");
            Objects.requireNonNull(base, "base");
            http.request("GET", base); // an absolute http(s) URI, or an IllegalArgumentException here
            String path = base.getRawPath() == null ? "" : base.getRawPath();
            // no trailing slash, so that {base}/{id} has one slash; query and fragment have no meaning here
            this.base = URI.create(base.getScheme() + "://" + base.getRawAuthority()
                    + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
        }

        /** A header for every request to the base's origin (an owner, an {@code Authorization}); repeatable. */
        public Builder header(String name, String value) {
            http.request("GET", base).header(name, value); // a bad name or value fails here, on the caller's line
            headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
            return this;
        }

        /** The wait between two polls when the service gives no {@code Retry-After} (default 1 s). */
        public Builder pollInterval(Duration value) { pollInterval = value; return this; }

        /** The shortest wait between two polls, whatever {@code Retry-After} says (default 100 ms). */
        public Builder minPollInterval(Duration value) { minPollInterval = value; return this; }

        /** The longest wait between two polls or reconnects, whatever {@code Retry-After} says (default 30 s). */
        public Builder maxPollInterval(Duration value) { maxPollInterval = value; return this; }

        /** Failed stream connections, or failed polls, tolerated in a row (default 5). */
        public Builder reconnectAttempts(int value) { reconnectAttempts = value; return this; }

        /** The first backoff before a reconnect or a retried poll, doubling after each failure (default 250 ms). */
        public Builder reconnectDelay(Duration value) { reconnectDelay = value; return this; }

        /** How long one event-stream connection lives before it is renewed, so that a dead one is noticed (default 2 min). */
        public Builder streamTimeout(Duration value) { streamTimeout = value; return this; }

        /** False to poll only, never asking for the event stream (default true). */
        public Builder events(boolean value) { events = value; return this; }

        public OperationsClient build() {
            return new OperationsClient(http, base, new FollowOptions(headers, pollInterval, minPollInterval,
                    maxPollInterval, reconnectAttempts, reconnectDelay, streamTimeout, events));
        }
    }
}
