package dev.baton.operations.internal;

import dev.baton.http.HttpException;
import dev.baton.operations.store.OperationQuery;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque {@code pageToken} of a list: the cursor of the last item shown, base64url. */
final class PageTokens {
    private PageTokens() {
    }

    static String encode(OperationQuery.Cursor c) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((c.createdNanos() + ":" + c.id()).getBytes(StandardCharsets.US_ASCII));
    }

    static OperationQuery.Cursor decode(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
            int colon = s.indexOf(':');
            String id = s.substring(colon + 1);
            if (colon < 1 || !OperationIds.isWellFormed(id)) {
                throw new IllegalArgumentException(s);
            }
            return new OperationQuery.Cursor(Long.parseLong(s.substring(0, colon)), id);
        } catch (RuntimeException e) {
            throw new HttpException(400, "pageToken is not one this server gave: use the nextLink of a page as it is");
        }
    }
}
