package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.Interceptor;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Sets {@code Authorization: Bearer <token>}, asking the supplier on every call (tokens rotate). */
public final class BearerAuth implements Interceptor {
    private final Supplier<String> token;

    public BearerAuth(Supplier<String> token) {
        this.token = token;
    }

    @Override
    public CompletionStage<ClientResponse> intercept(ClientRequest request, Chain chain) {
        return chain.proceed(request.withHeader("Authorization", "Bearer " + token.get()));
    }

    @Override
    public String toString() {
        return "BearerAuth";
    }
}
