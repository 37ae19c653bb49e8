package dev.baton.client;

import java.time.Duration;
import java.util.Set;

/**
 * When and how often a failed attempt is repeated: exponential backoff with full jitter,
 * {@code Retry-After} honoured, bounded by a number of attempts and a total time budget.
 * Only idempotent requests (GET, HEAD, OPTIONS, TRACE, PUT, DELETE, or any request with an
 * {@code Idempotency-Key} header) are retried, unless {@link Builder#retryNonIdempotent} says
 * otherwise; a streamed request body is never retried, nor is a malformed response.
 * The budget is a deadline of every call the policy may retry: each attempt's timeout is
 * capped by what it leaves, and when it passes the call fails with
 * {@link ClientTimeoutException} (as {@link Call#deadline} does for any call; for a streamed
 * response, until its head arrives).
 *
 * <pre>{@code RetryPolicy p = RetryPolicy.builder().maxAttempts(4).backoff(Duration.ofMillis(50), Duration.ofSeconds(1)).build();}</pre>
 *
 * @param maxAttempts        attempts in all, the first included (1: no retry)
 * @param baseDelay          the backoff before the first retry; doubles for each next one
 * @param maxDelay           the cap of one backoff
 * @param budget             the time a retried call may take in all, from its start ({@link Duration#ZERO}: no bound)
 * @param jitter             full jitter: wait a uniform random time in [0, backoff] (AWS's "full jitter")
 * @param retryOnStatus      statuses worth another attempt
 * @param retryNonIdempotent retry POST and PATCH without an Idempotency-Key too
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration budget, boolean jitter,
                          Set<Integer> retryOnStatus, boolean retryNonIdempotent) {

    /** Connect failures, 429, 502, 503 and 504. */
    public static final Set<Integer> DEFAULT_STATUSES = Set.of(429, 502, 503, 504);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        if (baseDelay.isNegative() || maxDelay.isNegative() || budget.isNegative()) {
            throw new IllegalArgumentException("retry delays and budget must be >= 0");
        }
        retryOnStatus = Set.copyOf(retryOnStatus);
    }

    /** The default: 3 attempts, 100 ms doubling up to 2 s, full jitter, a 30 s budget (the default attempt timeout). */
    public static RetryPolicy defaults() {
        return builder().build();
    }

    /** Never retry. */
    public static RetryPolicy none() {
        return builder().maxAttempts(1).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True if {@code request} may be sent again after a failed attempt. */
    public boolean allows(ClientRequest request) {
        return maxAttempts > 1 && request.body().isReplayable() && (retryNonIdempotent || request.isIdempotent());
    }

    /** The backoff before retry number {@code retry} (1 for the first), before jitter. */
    public Duration backoff(int retry) {
        long cap = maxDelay.toNanos();
        long nanos = Math.min(baseDelay.toNanos(), cap);
        for (int i = 1; i < retry && nanos < cap; i++) {
            nanos = nanos > cap / 2 ? cap : nanos * 2;
        }
        return Duration.ofNanos(nanos);
    }

    /** Fluent builder with the documented defaults. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration baseDelay = Duration.ofMillis(100);
        private Duration maxDelay = Duration.ofSeconds(2);
        private Duration budget = Duration.ofSeconds(30);
        private boolean jitter = true;
        private Set<Integer> retryOnStatus = DEFAULT_STATUSES;
        private boolean retryNonIdempotent;

        private Builder() {
        }

        public Builder maxAttempts(int v) { maxAttempts = v; return this; }
        public Builder backoff(Duration base, Duration max) { baseDelay = base; maxDelay = max; return this; }
        /** The deadline of a call this policy may retry, attempts and backoffs included; {@link Duration#ZERO} for none. */
        public Builder budget(Duration v) { budget = v; return this; }
        /** False waits the exact backoff (predictable, but retries from many clients stay in step). */
        public Builder jitter(boolean v) { jitter = v; return this; }
        public Builder retryOnStatus(Set<Integer> v) { retryOnStatus = v; return this; }
        public Builder retryNonIdempotent(boolean v) { retryNonIdempotent = v; return this; }

        public RetryPolicy build() {
            return new RetryPolicy(maxAttempts, baseDelay, maxDelay, budget, jitter, retryOnStatus, retryNonIdempotent);
        }
    }
}
