package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.Interceptor;
import dev.baton.context.RequestContext;
import dev.baton.context.TraceParent;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * W3C Trace Context ({@code traceparent: 00-<trace-id>-<parent-id>-<flags>}). A call made in a
 * request whose {@code traceparent} is valid ({@link RequestContext#traceParent()}, the server's
 * own reading of it) keeps its trace id and flags, and passes its {@code tracestate} on unchanged;
 * otherwise a new trace starts (sampled), without the inbound {@code tracestate} (the
 * recommendation ties the two together). Every hop gets a new parent id.
 */
public final class TraceContext implements Interceptor {

    @Override
    public CompletionStage<ClientResponse> intercept(ClientRequest request, Chain chain) {
        Optional<RequestContext> ctx = request.context();
        Optional<TraceParent> inbound = ctx.flatMap(RequestContext::traceParent);
        TraceParent outbound = inbound.map(TraceParent::child).orElseGet(TraceParent::newTrace);
        ClientRequest out = request.withHeader(TraceParent.HEADER, outbound.toString());
        if (inbound.isPresent() && !request.headers().contains("tracestate")) {
            String state = ctx.get().request().headers().first("tracestate").orElse(null);
            if (state != null) {
                out = out.withHeader("tracestate", state);
            }
        }
        return chain.proceed(out);
    }

    @Override
    public String toString() {
        return "TraceContext";
    }
}
