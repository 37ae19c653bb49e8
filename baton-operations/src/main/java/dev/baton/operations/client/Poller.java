package dev.baton.operations.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.client.Call;
import dev.baton.client.ClientResponse;
import dev.baton.client.ClientTimeoutException;
import dev.baton.client.ConnectFailedException;
import dev.baton.client.ConnectionClosedException;
import dev.baton.client.HttpClientException;
import dev.baton.client.PoolExhaustedException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Set;

/**
 * Follows an operation by polling {@code GET {operationUrl}}: waits what {@code Retry-After}
 * asks (delay-seconds or an HTTP-date), kept between the poll bounds, else the poll interval;
 * sends {@code If-None-Match} with the last {@code ETag}, so that an unchanged state costs a
 * {@code 304}. A status URL that answers 202 is still working; one that answers 200 or 201 without
 * a {@code status} member (the guidelines' {@code Location} pattern) is the result itself.
 * Transient failures (connection errors, 408, 429, 502, 503, 504) are retried with backoff, a
 * bounded number of times in a row; any other status fails the follow.
 */
final class Poller {
    private static final Set<Integer> TRANSIENT = Set.of(408, 429, 502, 503, 504);

    /** The three forms of HTTP-date (RFC 9110 5.6.7): IMF-fixdate, rfc850-date, asctime-date. */
    private static final DateTimeFormatter[] HTTP_DATES = {
        DateTimeFormatter.RFC_1123_DATE_TIME,
        new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("EEEE, dd-MMM-")
                .appendValueReduced(ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss zzz").toFormatter(Locale.US),
        new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("EEE MMM ppd HH:mm:ss yyyy")
                .toFormatter(Locale.US).withZone(java.time.ZoneOffset.UTC),
    };

    private final OperationFollower<?> follow;
    private final FollowOptions options;

    Poller(OperationFollower<?> follow) {
        this.follow = follow;
        this.options = follow.client().options();
    }

    /** Polls until the operation is terminal; throws when the service refuses or keeps failing. */
    OperationResource follow() {
        String etag = null;
        int failures = 0;
        while (true) {
            Call call = follow.call("GET", follow.location()).header("Accept", "application/json");
            if (etag != null) {
                call.header("If-None-Match", etag);
            }
            ClientResponse r;
            try {
                r = follow.await(call.send());
            } catch (ConnectFailedException | ConnectionClosedException | ClientTimeoutException | PoolExhaustedException e) {
                if (++failures > options.reconnectAttempts()) {
                    throw e;
                }
                follow.sleep(options.backoff(options.reconnectDelay(), failures));
                continue;
            }
            int status = r.status();
            if (TRANSIENT.contains(status)) {
                if (++failures > options.reconnectAttempts()) {
                    throw Responses.statusError(follow.mapper(), r, "polling operation " + follow.location());
                }
                Duration backoff = options.backoff(options.reconnectDelay(), failures);
                Duration asked = delay(r);
                follow.sleep(asked.compareTo(backoff) > 0 ? asked : backoff);
                continue;
            }
            failures = 0;
            if (status == 304) {
                follow.sleep(delay(r)); // unchanged
                continue;
            }
            if (!r.isSuccess()) {
                throw Responses.statusError(follow.mapper(), r, "polling operation " + follow.location());
            }
            byte[] body = Responses.bytes(r);
            JsonNode tree = json(body, status);
            OperationResource state = OperationResource.of(tree);
            if (state == null && status != 202) {
                return OperationResource.succeededWith(tree);
            }
            if (state != null) {
                etag = r.header("ETag").orElse(null);
                follow.deliver(state);
                if (state.state().isTerminal()) {
                    return state;
                }
            }
            follow.sleep(delay(r));
        }
    }

    /** The body as JSON; null when empty, or when a 202 (still working) says something else. */
    private JsonNode json(byte[] body, int status) {
        if (body.length == 0) {
            return null;
        }
        try {
            return follow.mapper().readTree(body);
        } catch (IOException e) {
            if (status == 202) {
                return null;
            }
            throw new HttpClientException("polling " + follow.location() + " answered " + status
                    + " with a body that is no JSON: " + e.getMessage(), e);
        }
    }

    /** What {@code Retry-After} asks, within the bounds; the poll interval when it asks nothing (or nonsense). */
    private Duration delay(ClientResponse r) {
        Duration asked = r.header("Retry-After").map(v -> retryAfter(v, Instant.now())).orElse(null);
        return options.clamp(asked != null ? asked : options.pollInterval());
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date (a past date: zero); null when malformed. */
    static Duration retryAfter(String value, Instant now) {
        String v = value.strip();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return v.length() > 9 ? Duration.ofSeconds(999_999_999) : Duration.ofSeconds(Long.parseLong(v));
        }
        for (DateTimeFormatter format : HTTP_DATES) {
            try {
                Duration d = Duration.between(now, ZonedDateTime.parse(v, format).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e) {
                // the next form
            }
        }
        return null;
    }
}
