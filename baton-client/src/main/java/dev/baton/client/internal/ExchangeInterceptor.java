package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.ClientTimeoutException;
import dev.baton.client.Interceptor;
import dev.baton.context.Deadline;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The last interceptor: runs one attempt over a pooled connection, with the timeout
 * min(attempt timeout, the call's remaining deadline).
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
        CallState call = ((RealChain) chain).call();
        HostKey key = HostKey.of(request.uri());
        Deadline deadline = request.timeout().isZero() ? call.deadline() : call.deadline().min(request.timeout());
        if (deadline.isExpired()) {
            settings.metrics().timeouts.increment();
            return CompletableFuture.failedFuture(new ClientTimeoutException(request + ": no time left before the deadline"));
        }
        settings.metrics().attempts.increment();
        OutboundExchange ex = new OutboundExchange(request, deadline, settings);
        call.attach(ex);
        ex.start(pools.host(key), call.loop());
        return ex.result();
    }

    @Override
    public String toString() {
        return "ExchangeInterceptor";
    }
}
