package dev.baton.client;

import dev.baton.client.internal.BearerAuth;
import dev.baton.client.internal.CallLogging;
import dev.baton.client.internal.TraceContext;
import dev.baton.context.Deadline;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Sees every call on its way out and its response on the way back; retries and the exchange
 * itself are interceptors in the same chain. An application interceptor (added with
 * {@link HttpClient.Builder#interceptor}) runs once per call and may call
 * {@link Chain#proceed} again after the previous attempt completed (that is how retries
 * work); a network interceptor ({@link HttpClient.Builder#networkInterceptor}) runs once per
 * attempt and must call it exactly once.
 *
 * <pre>{@code Interceptor tenant = (request, chain) -> chain.proceed(request.withHeader("Tenant", "acme"));}</pre>
 */
@FunctionalInterface
public interface Interceptor {

    CompletionStage<ClientResponse> intercept(ClientRequest request, Chain chain);

    /** The rest of the chain, as seen by one interceptor. */
    interface Chain {
        /** Passes {@code request} to the next interceptor, and finally to the server. */
        CompletionStage<ClientResponse> proceed(ClientRequest request);

        /** The event loop the call runs on: schedule timers here, never sleep. */
        ScheduledExecutorService executor();

        /**
         * The call's deadline: the earliest of the inbound request's, the call's own
         * ({@link Call#deadline}) and its retry budget; {@link Deadline#NONE} when it has none.
         */
        Deadline deadline();

        /** True once the call was cancelled (by the caller, or because its inbound request ended). */
        boolean isCancelled();
    }

    /** Sets {@code Authorization: Bearer <token>} on every request, asking {@code token} each time. */
    static Interceptor bearerAuth(Supplier<String> token) {
        return new BearerAuth(token);
    }

    /** Logs each call (method, URI, status, time) at DEBUG, failures at WARN, through SLF4J ({@code dev.baton.client}). */
    static Interceptor logging() {
        return new CallLogging();
    }

    /**
     * W3C Trace Context: continues the inbound request's {@code traceparent} (same trace id, new
     * span id for each hop) or starts a new trace; forwards {@code tracestate}.
     */
    static Interceptor traceContext() {
        return new TraceContext();
    }
}
