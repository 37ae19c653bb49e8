package dev.baton.operations.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Operation ids: 128 random bits in base64url, 22 characters, unguessable. */
public final class OperationIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{21}[AQgw]");

    private OperationIds() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** True if {@code id} could be one of ours. */
    public static boolean isWellFormed(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }
}
