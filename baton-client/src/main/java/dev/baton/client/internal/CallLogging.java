package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.Interceptor;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each call with its status and time: DEBUG when answered, WARN when it failed. */
public final class CallLogging implements Interceptor {
    private static final Logger log = LoggerFactory.getLogger("dev.baton.client");

    @Override
    public CompletionStage<ClientResponse> intercept(ClientRequest request, Chain chain) {
        long start = System.nanoTime();
        return chain.proceed(request).whenComplete((response, error) -> {
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (error != null) {
                log.warn("{} failed after {} ms: {}", request, ms, error.toString());
            } else {
                log.debug("{} -> {} in {} ms", request, response.status(), ms);
            }
        });
    }

    @Override
    public String toString() {
        return "CallLogging";
    }
}
