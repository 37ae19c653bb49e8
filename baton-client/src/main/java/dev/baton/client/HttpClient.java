package dev.baton.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.client.internal.CallFuture;
import dev.baton.client.internal.CallState;
import dev.baton.client.internal.ClientMetrics;
import dev.baton.client.internal.ConnectionPool;
import dev.baton.client.internal.ExchangeInterceptor;
import dev.baton.client.internal.HostKey;
import dev.baton.client.internal.TrustedCertificates;
import dev.baton.client.internal.RealChain;
import dev.baton.client.internal.RetryInterceptor;
import dev.baton.config.BatonConfig;
import dev.baton.context.CancellationToken;
import dev.baton.context.Deadline;
import dev.baton.context.PendingWork;
import dev.baton.context.RequestContext;
import dev.baton.http.JsonDefaults;
import dev.baton.internal.Futures;
import dev.baton.internal.netty.NativeTransport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * An asynchronous HTTP/1.1 and HTTP/2 client on Netty: pooled keep-alive connections (or one
 * multiplexed HTTP/2 connection) with a limit per host, retries, and, for calls made inside a
 * Baton request, the request's deadline and
 * cancellation. Inside a server, give it the server's event loops: it starts no thread then.
 * One client per application; it is thread-safe.
 *
 * <pre>{@code
 * HttpClient client = HttpClient.builder().eventLoops(server.eventLoopGroup()).build();
 * routing.get("/page/{id}", ctx -> client.get("http://inventory/gizmos/" + id).in(ctx).send(as(Gizmo.class)));
 * }</pre>
 */
public final class HttpClient implements AutoCloseable {
    private final ClientConfig config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final List<EventExecutor> loops = new ArrayList<>();
    private final ObjectMapper json;
    private final ClientMetrics metrics = new ClientMetrics();
    private final ConnectionPool pools;
    private final List<Interceptor> chain;
    private final Set<CallState> inFlight = ConcurrentHashMap.newKeySet();
    private final int firstNetwork;

    private HttpClient(Builder b) {
        if (b.ssl != null && b.trust != null) {
            throw new IllegalArgumentException("sslContext and trustCertificates/trustStore both set: give one (the context's own trust, or the certificates)");
        }
        try {
            this.config = new ClientConfig(b.eventLoopThreads, b.maxConnectionsPerHost, b.perHost, b.maxQueuedPerHost,
                    b.connectTimeout, b.timeout, b.idleTimeout, b.maxResponseBytes, b.maxHeaderSize, b.propagateDeadline,
                    b.userAgent, b.retry, b.connectionWaitThreshold, Protocol.parseList(b.protocols), b.h2PriorKnowledge, b.h2PriorKnowledgeFor);
        } catch (IllegalArgumentException e) {
            throw BatonConfig.attributed(e, b); // a bad value from outside the code names its source
        }
        this.ownsGroup = b.group == null;
        this.group = ownsGroup ? new MultiThreadIoEventLoopGroup(config.eventLoopThreads(),
                new DefaultThreadFactory("baton-client", true),
                NativeTransport.epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory()) : b.group;
        group.forEach(loops::add);
        this.json = b.json != null ? b.json : JsonDefaults.mapper(); // the server's setup, one rule for both ends
        this.pools = new ConnectionPool(config, group, b.ssl != null ? b.ssl
                : b.trust != null ? TrustedCertificates.context(b.trust) : defaultSsl(), metrics);
        List<Interceptor> all = new ArrayList<>(b.interceptors);
        all.add(new RetryInterceptor(metrics, pools));
        this.firstNetwork = all.size();
        all.addAll(b.networkInterceptors);
        all.add(new ExchangeInterceptor(pools, json, config.maxResponseBytes(), config.userAgent(), metrics));
        this.chain = List.copyOf(all);
    }

    /**
     * A builder whose settings start from those outside the code: {@code client.*} in
     * {@code baton.yaml} (or {@code .yml}, {@code .properties}), {@code BATON_CLIENT_*}
     * environment variables, {@code -Dbaton.client.*} system properties
     * ({@link BatonConfig}); what the code sets overrides them.
     *
     * @throws dev.baton.config.ConfigException for an unknown key or a bad value, naming it and its source
     */
    public static Builder builder() {
        return new Builder();
    }

    public Call get(String uri) {
        return request("GET", URI.create(uri));
    }

    public Call post(String uri) {
        return request("POST", URI.create(uri));
    }

    public Call put(String uri) {
        return request("PUT", URI.create(uri));
    }

    public Call patch(String uri) {
        return request("PATCH", URI.create(uri));
    }

    public Call delete(String uri) {
        return request("DELETE", URI.create(uri));
    }

    /** A call with any method. */
    public Call request(String method, URI uri) {
        // fail here, on the caller's line, for a method or URI the client cannot send
        if (method == null || method.isEmpty() || io.netty.handler.codec.http.HttpHeaderValidationUtil.validateToken(method) >= 0) {
            throw new IllegalArgumentException("method '" + method + "' is not a token (RFC 9110 9.1)");
        }
        HostKey.of(uri);
        return new Call(this, method, uri);
    }

    public ClientConfig config() {
        return config;
    }

    /** The JSON mapper for request and response bodies. */
    public ObjectMapper objectMapper() {
        return json;
    }

    /** A snapshot of the counters and of every host's pool. */
    public ClientStats stats() {
        return metrics.snapshot(pools.stats());
    }

    /**
     * Closes every connection (calls in flight and waiting fail; later ones are refused), then
     * the event loops if the client started its own.
     */
    @Override
    public void close() {
        // abort the calls first: one between attempts (a retry timer) has no connection to lose
        inFlight.forEach(c -> c.abort(new HttpClientException("the client was closed during " + c)));
        pools.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs {@code request} through the interceptors; a non-null {@code reader} turns the response
     * into the value; a non-zero {@code deadline} bounds the call as a whole.
     */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> execute(ClientRequest request, BodyReader<T> reader, Duration deadline) {
        if (pools.isClosed()) {
            return CompletableFuture.failedFuture(new HttpClientException("the client is closed"));
        }
        metrics.calls.increment();
        RequestContext ctx = request.context().orElse(null);
        CallState call = new CallState(loopFor(ctx), ctx == null ? Deadline.NONE : ctx.deadline(), request.toString());
        if (!deadline.isZero()) {
            call.expireAt(Deadline.after(deadline));
        }
        CallFuture<T> out = new CallFuture<>(call, request.toString(), e -> {
            call.ended();
            inFlight.remove(call);
            if (e != null) { // counted before the caller can see the outcome
                metrics.failures.increment();
                if (e instanceof CancellationException) {
                    metrics.cancelled.increment();
                }
            }
        });
        inFlight.add(call);
        if (ctx != null) {
            track(ctx, call, request, out);
        }
        new RealChain(chain, 0, firstNetwork, call).proceed(request).whenComplete((response, error) -> {
            if (error != null) {
                out.fail(Futures.unwrap(error));
            } else if (reader == null) {
                out.succeed((T) response);
            } else {
                read(request, response, reader, out);
            }
        });
        return out;
    }

    /** Ties the call to the inbound request: its cancellation aborts the call, and it counts as pending work. */
    private static void track(RequestContext ctx, CallState call, ClientRequest request, CallFuture<?> out) {
        CancellationToken.Registration registration = ctx.cancellation().onCancel(why -> call.abort(
                new CancellationException(request + " was cancelled: its inbound request ended (" + why + ")")));
        PendingWork.Ticket ticket = ctx.pendingWork().begin(request.toString(), () -> call.abort(
                new CancellationException(request + " was cancelled: the inbound response completed first")));
        // before the handler's continuation sees the result, which may complete the inbound response
        out.beforeCompletion(() -> {
            registration.close();
            ticket.close();
        });
    }

    private static <T> void read(ClientRequest request, ClientResponse response, BodyReader<T> reader, CallFuture<T> out) {
        if (!response.isSuccess()) {
            String body = response.isStreamed() ? "" : ": " + abbreviate(response.text());
            response.close();
            out.fail(new HttpStatusException(response, request + " answered " + response.status() + body));
            return;
        }
        try {
            out.succeed(reader.read(response));
        } catch (Throwable t) {
            response.close();
            out.fail(t);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /**
     * For locality (no thread hop, pooled connections of that loop first): the inbound request's
     * event loop when it is one of ours, else the caller's own loop if it is one, else the next.
     */
    private EventLoop loopFor(RequestContext ctx) {
        // a server's request context schedules on its connection's event loop (RequestContext.scheduler())
        if (ctx != null && ctx.scheduler() instanceof EventLoop loop && loops.contains(loop)) {
            return loop;
        }
        for (EventExecutor e : loops) {
            if (e.inEventLoop() && e instanceof EventLoop loop) {
                return loop;
            }
        }
        return group.next();
    }

    private static SSLContext defaultSsl() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    /** Builds an {@link HttpClient}; every setting has a default. */
    public static final class Builder {
        private EventLoopGroup group;
        private int eventLoopThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private int maxConnectionsPerHost = ClientConfig.defaultMaxConnectionsPerHost();
        private final Map<String, Integer> perHost = new HashMap<>();
        private int maxQueuedPerHost = 1000;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration timeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private long maxResponseBytes = 16L * 1024 * 1024;
        private int maxHeaderSize = 16 * 1024;
        private boolean propagateDeadline = true;
        private String userAgent = "baton-client";
        private RetryPolicy retry = RetryPolicy.defaults();
        private Duration connectionWaitThreshold = Duration.ofMillis(100);
        /** As text, ALPN ids, read at build(): a bad value from outside the code is named with its source. */
        private String protocols = "h2, http/1.1";
        private boolean h2PriorKnowledge;
        private final Map<String, Boolean> h2PriorKnowledgeFor = new HashMap<>();
        private final List<Interceptor> interceptors = new ArrayList<>();
        private final List<Interceptor> networkInterceptors = new ArrayList<>();
        private SSLContext ssl;
        private java.security.KeyStore trust;
        private ObjectMapper json;

        private Builder() {
            BatonConfig.load().applyTo(this); // after the defaults above, before anything the code sets
        }

        /** Runs on these event loops (a server's: {@code server.eventLoopGroup()}); not closed with the client. */
        public Builder eventLoops(EventLoopGroup value) { group = value; return this; }
        /** The size of the client's own event-loop group, when it has one. */
        public Builder eventLoopThreads(int value) { eventLoopThreads = value; return this; }
        public Builder maxConnectionsPerHost(int value) { maxConnectionsPerHost = value; return this; }
        /** The connection limit of one host, {@code "host:port"}. */
        public Builder perHost(String hostAndPort, int limit) { perHost.put(HostKey.lowerCase(hostAndPort), limit); return this; }
        public Builder maxQueuedPerHost(int value) { maxQueuedPerHost = value; return this; }
        public Builder connectTimeout(Duration value) { connectTimeout = value; return this; }
        /** The default timeout of each attempt; {@link Duration#ZERO} for none. */
        public Builder timeout(Duration value) { timeout = value; return this; }
        public Builder idleTimeout(Duration value) { idleTimeout = value; return this; }
        public Builder maxResponseBytes(long value) { maxResponseBytes = value; return this; }
        public Builder maxHeaderSize(int value) { maxHeaderSize = value; return this; }
        /** Whether calls send their remaining time in {@code Baton-Timeout} (a call can override it). */
        public Builder propagateDeadline(boolean value) { propagateDeadline = value; return this; }
        public Builder userAgent(String value) { userAgent = value; return this; }
        public Builder retry(RetryPolicy value) { retry = value; return this; }
        /**
         * Reports (a warning once per host, {@link ClientStats#connectionWaitReports()} every time) a host
         * whose recent calls waited longer than this for a connection, their 99th percentile; ZERO: never.
         */
        public Builder connectionWaitThreshold(Duration value) { connectionWaitThreshold = value; return this; }
        /**
         * The protocols offered by ALPN on https, preferred first; the server picks. {@code HTTP_1_1} alone turns
         * HTTP/2 off. Cleartext hosts speak HTTP/1.1 unless {@link #h2PriorKnowledge} says otherwise.
         */
        public Builder protocols(Protocol... preferred) {
            protocols = java.util.Arrays.stream(preferred).map(Protocol::alpn).collect(java.util.stream.Collectors.joining(", "));
            return this;
        }
        /** {@link #protocols(Protocol...)} as text, ALPN ids: {@code "h2, http/1.1"} (the form of {@code client.protocols}). */
        public Builder protocols(String preferred) { protocols = preferred; return this; }
        /** Speak HTTP/2 without TLS (h2c, RFC 9113 3.3) to every cleartext host: only for hosts known to. */
        public Builder h2PriorKnowledge(boolean value) { h2PriorKnowledge = value; return this; }
        /** h2c by prior knowledge for one cleartext host, {@code "host:port"} (or, with false, not for it). */
        public Builder h2PriorKnowledgeFor(String hostAndPort, boolean value) {
            h2PriorKnowledgeFor.put(HostKey.lowerCase(hostAndPort), value);
            return this;
        }
        /** Adds an application interceptor: once per call, before the retries. */
        public Builder interceptor(Interceptor value) { interceptors.add(value); return this; }
        /** Adds a network interceptor: once per attempt, after the retries. */
        public Builder networkInterceptor(Interceptor value) { networkInterceptors.add(value); return this; }
        /** The TLS context for https (its trust store decides which servers are trusted); the JDK default if unset. */
        public Builder sslContext(SSLContext value) { ssl = value; return this; }
        /**
         * Trusts the certificates in this PEM file, and only them, for https: a private CA, or a
         * test server's self-signed certificate ({@code client.trustCertificates: /etc/ca.pem} in baton.yaml).
         * The host name is still verified against the server's certificate.
         */
        public Builder trustCertificates(java.nio.file.Path pemFile) { return trustStore(TrustedCertificates.store(TrustedCertificates.fromPem(pemFile))); }
        /** Trusts these certificates, and only them, for https (see {@link #trustCertificates(java.nio.file.Path)}). */
        public Builder trustCertificates(java.security.cert.X509Certificate... certificates) { return trustStore(TrustedCertificates.store(List.of(certificates))); }
        /** Trusts the certificates of this keystore's entries, and only them, for https. */
        public Builder trustStore(java.security.KeyStore value) { trust = value; return this; }
        public Builder objectMapper(ObjectMapper value) { json = value; return this; }

        public HttpClient build() {
            return new HttpClient(this);
        }
    }
}
