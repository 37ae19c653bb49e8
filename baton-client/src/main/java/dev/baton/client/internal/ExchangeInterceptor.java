package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.ClientTimeoutException;
import dev.baton.client.HttpClientException;
import dev.baton.client.Interceptor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The last interceptor: runs one attempt over a pooled connection, bounded by the attempt's
 * timeout, the call's own deadline and the inbound request's ({@link AttemptDeadlines}).
 */
public final class ExchangeInterceptor implements Interceptor {
    private final ConnectionPool pools;
    private final OutboundExchange.Settings settings;

    public ExchangeInterceptor(ConnectionPool pools, com.fasterxml.jackson.databind.ObjectMapper json, long maxResponseBytes,
                               String userAgent, ClientMetrics metrics) {
        this.pools = pools;
        this.settings = new OutboundExchange.Settings(maxResponseBytes, userAgent, json, metrics);
    }

    @Override
    public CompletionStage<ClientResponse> intercept(ClientRequest request, Chain chain) {
        if (pools.isClosed()) {
            return CompletableFuture.failedFuture(new HttpClientException("the client is closed"));
        }
        CallState call = ((RealChain) chain).call();
        HostKey key = HostKey.of(request.uri());
        AttemptDeadlines deadlines = AttemptDeadlines.of(request, call);
        if (deadlines.left().isExpired()) {
            settings.metrics().timeouts.increment();
            return CompletableFuture.failedFuture(new ClientTimeoutException(request + ": no time left before the deadline"));
        }
        settings.metrics().attempts.increment();
        HostPool pool = pools.host(key);
        pool.countAttempt();
        OutboundExchange ex = new OutboundExchange(request, deadlines, settings);
        call.attach(ex);
        ex.start(pool, call.loop());
        return ex.result();
    }

    @Override
    public String toString() {
        return "ExchangeInterceptor";
    }
}
