package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.Interceptor;
import dev.baton.context.RequestContext;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C Trace Context ({@code traceparent: 00-<trace-id>-<parent-id>-<flags>}). A call made in a
 * request whose {@code traceparent} is valid keeps its trace id and flags; otherwise a new trace
 * starts (sampled). Every hop gets a new span id; {@code tracestate} is passed on unchanged.
 */
public final class TraceContext implements Interceptor {
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final HexFormat HEX = HexFormat.of();

    @Override
    public CompletionStage<ClientResponse> intercept(ClientRequest request, Chain chain) {
        Optional<RequestContext> ctx = request.context();
        String inbound = ctx.flatMap(c -> c.request().headers().first("traceparent")).orElse(null);
        var m = inbound == null ? null : TRACEPARENT.matcher(inbound.strip());
        String traceId;
        String flags;
        if (m != null && m.matches() && !m.group(1).equals(ZERO_TRACE) && !inbound.startsWith("ff")) {
            traceId = m.group(1);
            flags = m.group(3);
        } else {
            traceId = randomHex(16);
            flags = "01";
        }
        ClientRequest out = request.withHeader("traceparent", "00-" + traceId + "-" + randomHex(8) + "-" + flags);
        String state = ctx.flatMap(c -> c.request().headers().first("tracestate")).orElse(null);
        if (state != null && !request.headers().contains("tracestate")) {
            out = out.withHeader("tracestate", state);
        }
        return chain.proceed(out);
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(b);
        } while (isZero(b));
        return HEX.formatHex(b);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "TraceContext";
    }
}
