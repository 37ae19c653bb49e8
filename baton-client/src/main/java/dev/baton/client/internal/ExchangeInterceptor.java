package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.ClientTimeoutException;
import dev.baton.client.HttpClientException;
import dev.baton.client.Interceptor;
import dev.baton.context.Deadline;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The last interceptor: runs one attempt over a pooled connection, with the timeout
 * min(attempt timeout, the call's remaining deadline).
 */
public final class ExchangeInterceptor implements Interceptor {
    private static final Duration INBOUND_GRACE = Duration.ofMillis(50);
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
        Deadline own = request.timeout().isZero() ? Deadline.NONE : Deadline.after(request.timeout());
        Deadline deadline = call.deadline().min(own);
        if (deadline.isExpired()) {
            settings.metrics().timeouts.increment();
            return CompletableFuture.failedFuture(new ClientTimeoutException(request + ": no time left before the deadline"));
        }
        // when the inbound request's deadline is the earlier one, its server times it out (and so aborts this
        // call) first; our timer is only a backstop, so that the inbound request answers with its timeout status
        Deadline timer = own.compareTo(call.deadline()) <= 0 ? own
                : Deadline.after(call.deadline().remaining().plus(INBOUND_GRACE)).min(own);
        settings.metrics().attempts.increment();
        OutboundExchange ex = new OutboundExchange(request, deadline, timer, settings);
        call.attach(ex);
        ex.start(pools.host(key), call.loop());
        return ex.result();
    }

    @Override
    public String toString() {
        return "ExchangeInterceptor";
    }
}
