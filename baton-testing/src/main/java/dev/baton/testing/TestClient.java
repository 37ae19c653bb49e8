package dev.baton.testing;

import dev.baton.Server;
import dev.baton.client.Call;
import dev.baton.client.ClientResponse;
import dev.baton.client.HttpClient;
import dev.baton.client.RetryPolicy;
import dev.baton.testing.await.Await;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A Baton {@link HttpClient} bound to one server's base URI: calls take a path. Its own event
 * loop (one thread), so that it sees the server from the outside, and no retries by default, so
 * that a test sees each answer the server gives (a 503 among them).
 *
 * <pre>{@code
 * ClientResponse res = client.send(client.get("/gizmos/7").header("Accept", "application/json"));
 * CompletableFuture<String> body = client.post("/gizmos").json(gizmo).send(text());   // or async
 * }</pre>
 *
 * {@link BatonExtension} makes one per server and closes it; {@link #of(Server)} makes one by hand.
 */
public final class TestClient implements AutoCloseable {
    /** How long {@link #send(Call)} waits for a response. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI base;

    private TestClient(HttpClient http, URI base) {
        this.http = http;
        this.base = base;
    }

    /** A client for {@code server}, started. Close it. */
    public static TestClient of(Server server) {
        return of(baseUri(server), b -> { });
    }

    /**
     * A client for {@code base} ({@code http://127.0.0.1:8080}), its builder adjusted by
     * {@code adjust} after the test defaults (one event-loop thread, {@link RetryPolicy#none()}).
     */
    public static TestClient of(URI base, Consumer<HttpClient.Builder> adjust) {
        Objects.requireNonNull(base, "base");
        HttpClient.Builder b = HttpClient.builder().eventLoopThreads(1).retry(RetryPolicy.none());
        adjust.accept(b);
        String s = base.toString();
        return new TestClient(b.build(), URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s));
    }

    /**
     * The URI a test reaches {@code server} at: {@code http://host:port} (https with TLS) with the bound port, and
     * 127.0.0.1 for a server bound to every address.
     */
    public static URI baseUri(Server server) {
        String host = server.config().host();
        if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]"; // an IPv6 literal
        }
        return URI.create((server.config().tls().isPresent() ? "https://" : "http://") + host + ":" + server.port());
    }

    /** The server's base URI, {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public URI baseUri() {
        return base;
    }

    /** {@code path} (starting with {@code /}, with a query if any) on the server. */
    public URI uri(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with '/': " + path);
        }
        return URI.create(base + path);
    }

    public Call get(String path) {
        return request("GET", path);
    }

    public Call post(String path) {
        return request("POST", path);
    }

    public Call put(String path) {
        return request("PUT", path);
    }

    public Call patch(String path) {
        return request("PATCH", path);
    }

    public Call delete(String path) {
        return request("DELETE", path);
    }

    /** A call with any method to {@code path}. */
    public Call request(String method, String path) {
        return http.request(method, uri(path));
    }

    /**
     * Sends {@code call} and waits for its response, whatever its status (up to {@link #DEFAULT_WAIT}).
     *
     * @throws AssertionError if there is none in time, or the call fails (the failure is the cause)
     */
    public ClientResponse send(Call call) {
        return send(call, DEFAULT_WAIT);
    }

    /**
     * Sends {@code call} and waits up to {@code within} for its response, whatever its status.
     *
     * @throws AssertionError if there is none in time, or the call fails (the failure is the cause)
     */
    public ClientResponse send(Call call, Duration within) {
        return Await.result(call.send(), within);
    }

    /** The Baton client underneath, for anything the shortcuts do not cover (its stats, another host). */
    public HttpClient http() {
        return http;
    }

    /** Closes the client's connections and its event loop. */
    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "TestClient[" + base + "]";
    }
}
