package dev.baton.operations.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.baton.http.HttpException;
import dev.baton.http.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The {@code Idempotency-Key} field (IETF httpapi draft): an RFC 8941 string, or, as most
 * clients send it, the bare key; and the fingerprint that tells a replay from a key reused for
 * another request.
 */
final class IdempotencyKeys {
    static final String HEADER = "Idempotency-Key";
    private static final int MAX = 255;
    /** Canonical JSON: the same document with its members in another order is the same request. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private IdempotencyKeys() {
    }

    /** The key, or null when there is none; 400 when malformed or sent twice. */
    static String of(Request request) {
        List<String> values = request.headers().all(HEADER);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new HttpException(400, "send one Idempotency-Key, not " + values.size());
        }
        String v = values.get(0).strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (v.isEmpty() || v.length() > MAX || !v.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new HttpException(400, "an Idempotency-Key is 1.." + MAX + " visible ASCII characters");
        }
        return v;
    }

    /** SHA-256 of what identifies the request: the type and the body, JSON compared as data. */
    static String fingerprint(String type, JsonNode body) {
        try {
            Object canonical = body == null ? null : CANONICAL.treeToValue(body, Object.class);
            return hash(type + "\n" + CANONICAL.writeValueAsString(canonical));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fingerprint(String type, byte[] body) {
        return hash(type + "\n" + new String(body, StandardCharsets.ISO_8859_1));
    }

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
