package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.client.ClientResponse;
import dev.baton.client.ClientTimeoutException;
import dev.baton.client.ConnectFailedException;
import dev.baton.client.ConnectionClosedException;
import dev.baton.client.Interceptor;
import dev.baton.client.RetryPolicy;
import dev.baton.context.Deadline;
import dev.baton.internal.Futures;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Repeats a failed attempt as the request's {@link RetryPolicy} allows: after a connect failure,
 * a broken connection, an attempt timeout, or a status from the policy's list, waiting the
 * backoff (or the server's {@code Retry-After}, if longer) on the call's event loop. The budget
 * is a deadline of the call: every attempt's timeout is capped by what it leaves, and a retry
 * that would start past it does not run. Gives up, returning the last response or error, when
 * the attempts or the deadline run out.
 */
public final class RetryInterceptor implements Interceptor {
    private final ClientMetrics metrics;
    private final ConnectionPool pools;

    public RetryInterceptor(ClientMetrics metrics, ConnectionPool pools) {
        this.metrics = metrics;
        this.pools = pools;
    }

    @Override
    public CompletionStage<ClientResponse> intercept(ClientRequest request, Chain chain) {
        RetryPolicy policy = request.retry();
        if (!policy.allows(request)) {
            return chain.proceed(request);
        }
        if (!policy.budget().isZero()) {
            ((RealChain) chain).call().limit(Deadline.after(policy.budget()));
        }
        CompletableFuture<ClientResponse> out = new CompletableFuture<>();
        attempt(request, chain, policy, 1, out);
        return out;
    }

    private void attempt(ClientRequest request, Chain chain, RetryPolicy policy, int n, CompletableFuture<ClientResponse> out) {
        CompletionStage<ClientResponse> stage;
        try {
            stage = chain.proceed(request);
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
            return;
        }
        stage.whenComplete((response, error) -> {
            Throwable cause = Futures.unwrap(error);
            Duration delay = n < policy.maxAttempts() && !chain.isCancelled() ? delay(policy, n, response, cause) : null;
            if (delay != null && chain.deadline().remaining().compareTo(delay) <= 0) {
                delay = null; // it would start past the deadline (the budget's, the call's or the inbound request's)
            }
            if (delay == null) {
                if (cause != null) {
                    out.completeExceptionally(cause);
                } else {
                    out.complete(response);
                }
                return;
            }
            if (response != null) {
                response.close();
            }
            try {
                chain.executor().schedule(() -> {
                    if (out.isDone()) {
                        return; // cancelled or closed during the backoff: no retry ran
                    }
                    metrics.retries.increment(); // counted as it runs, so that attempts == calls + retries
                    pools.host(HostKey.of(request.uri())).countRetry();
                    attempt(request, chain, policy, n + 1, out);
                }, delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the event loops are shutting down
                out.completeExceptionally(cause != null ? cause : e);
            }
        });
    }

    /** The wait before retry {@code n}, or null if this outcome is not worth another attempt. */
    static Duration delay(RetryPolicy policy, int n, ClientResponse response, Throwable cause) {
        if (cause != null) {
            // a MalformedResponseException is none of these: the request reached the server, and one
            // that answered garbage once most likely does again (OkHttp does not retry a protocol error either)
            boolean retryable = cause instanceof ConnectFailedException || cause instanceof ConnectionClosedException
                    || cause instanceof ClientTimeoutException;
            return retryable ? backoff(policy, n) : null;
        }
        if (!policy.retryOnStatus().contains(response.status())) {
            return null;
        }
        Duration backoff = backoff(policy, n);
        Duration asked = response.header("Retry-After").map(RetryInterceptor::retryAfter).orElse(null);
        return asked != null && asked.compareTo(backoff) > 0 ? asked : backoff;
    }

    private static Duration backoff(RetryPolicy policy, int n) {
        Duration max = policy.backoff(n);
        return policy.jitter() ? Duration.ofNanos(ThreadLocalRandom.current().nextLong(max.toNanos() + 1)) : max;
    }

    /** The three forms of HTTP-date a recipient must accept (RFC 9110 5.6.7): IMF-fixdate, then the obsolete two. */
    private static final DateTimeFormatter[] HTTP_DATES = {
        DateTimeFormatter.RFC_1123_DATE_TIME,
        // rfc850-date, "Sunday, 06-Nov-94 08:49:37 GMT": a two-digit year is taken in 1970-2069
        new java.time.format.DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("EEEE, dd-MMM-")
                .appendValueReduced(java.time.temporal.ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss zzz")
                .toFormatter(Locale.US),
        // asctime-date, "Sun Nov  6 08:49:37 1994", in UTC
        new java.time.format.DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("EEE MMM ppd HH:mm:ss yyyy")
                .toFormatter(Locale.US).withZone(java.time.ZoneOffset.UTC),
    };

    /** {@code Retry-After} as delay-seconds or an HTTP-date; null when malformed. */
    static Duration retryAfter(String value) {
        String v = value.strip();
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
            return v.length() > 9 ? Duration.ofSeconds(999_999_999) : Duration.ofSeconds(Long.parseLong(v));
        }
        for (DateTimeFormatter format : HTTP_DATES) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, format));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e) {
                // the next form
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "RetryInterceptor";
    }
}
