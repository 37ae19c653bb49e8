package dev.baton.operations;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A kind of long-running operation: its name (the {@code {type}} of {@code POST /operations/{type}}),
 * its input class (read from the request's JSON body) and its handler, with its timeout and
 * retry policy. Immutable; each option returns a copy.
 *
 * <pre>{@code OperationType.of("report", ReportRequest.class, (in, op) -> build(in)).timeout(Duration.ofMinutes(5)).retry(3, Duration.ofSeconds(1))}</pre>
 *
 * @param name        a URL-safe name: letters, digits, {@code - _ .}, 1..64 characters
 * @param inputType   the class the JSON body binds to; {@code Void.class} for no input
 * @param handler     the work
 * @param timeout     an attempt's timeout; null for the module's default
 * @param maxAttempts 1 for no retry
 * @param backoff     the first retry's base delay (doubled per attempt, full jitter)
 */
public record OperationType<I>(String name, Class<I> inputType, OperationHandler<I> handler, Duration timeout,
                               int maxAttempts, Duration backoff) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public OperationType {
        Objects.requireNonNull(inputType, "inputType");
        Objects.requireNonNull(handler, "handler");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an operation type name is 1..64 letters, digits, '-', '_' or '.': " + name);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("the timeout of '" + name + "' must be positive");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts of '" + name + "' must be at least 1");
        }
        if (backoff == null || backoff.isNegative()) {
            throw new IllegalArgumentException("the backoff of '" + name + "' must be zero or positive");
        }
    }

    public static <I> OperationType<I> of(String name, Class<I> inputType, OperationHandler<I> handler) {
        return new OperationType<>(name, inputType, handler, null, 1, Duration.ofSeconds(1));
    }

    /** The timeout of each attempt: past it the token fires with {@code TIMEOUT} and the attempt fails. */
    public OperationType<I> timeout(Duration value) {
        return new OperationType<>(name, inputType, handler, value, maxAttempts, backoff);
    }

    /** Runs a failed attempt again, up to {@code attempts} in all, after {@code firstDelay}, doubling, with full jitter. */
    public OperationType<I> retry(int attempts, Duration firstDelay) {
        return new OperationType<>(name, inputType, handler, timeout, attempts, firstDelay);
    }
}
