package dev.baton.staticfiles.internal;

import dev.baton.http.Headers;
import java.util.List;

/**
 * The conditional fields of a GET or HEAD (RFC 9110 13.2.2), in their order of precedence:
 * If-Match, or else If-Unmodified-Since, may fail the request (412); If-None-Match, or else
 * If-Modified-Since, may make it a 304. A date that is not an HTTP date is ignored, as is a
 * date field with more than one line.
 */
final class Preconditions {
    private Preconditions() {
    }

    /** 412, 304, or 200 when the request goes on; {@code modifiedSeconds} is -1 when unknown. */
    static int evaluate(Headers headers, String etag, long modifiedSeconds) {
        List<String> ifMatch = headers.all("If-Match");
        if (!ifMatch.isEmpty()) {
            if (!EntityTags.matches(ifMatch, etag, true)) {
                return 412;
            }
        } else {
            long since = date(headers.all("If-Unmodified-Since"));
            if (since >= 0 && modifiedSeconds >= 0 && modifiedSeconds > since) {
                return 412;
            }
        }
        List<String> ifNoneMatch = headers.all("If-None-Match");
        if (!ifNoneMatch.isEmpty()) {
            return EntityTags.matches(ifNoneMatch, etag, false) ? 304 : 200;
        }
        long since = date(headers.all("If-Modified-Since"));
        return since >= 0 && modifiedSeconds >= 0 && modifiedSeconds <= since ? 304 : 200;
    }

    /**
     * Whether a range request's {@code If-Range} still holds (RFC 9110 13.1.5): an entity tag must
     * match strongly (a weak one never does), a date must be the Last-Modified exactly.
     */
    static boolean ifRangeHolds(String value, String etag, long modifiedSeconds) {
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag);
        }
        long date = HttpDates.parse(value);
        return date >= 0 && date == modifiedSeconds;
    }

    private static long date(List<String> lines) {
        return lines.size() == 1 ? HttpDates.parse(lines.get(0)) : -1;
    }
}
