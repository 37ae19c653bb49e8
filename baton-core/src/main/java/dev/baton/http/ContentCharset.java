package dev.baton.http;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

/**
 * The one rule for the charset of a text body, for request bodies the server reads and response
 * bodies the client reads: the {@code charset} parameter of its Content-Type (RFC 9110 8.3.2,
 * quoted or not), UTF-8 when none is named, and an error, never a silent guess, when it names one
 * this JVM does not have (the server answers 415; the client's {@code text()} throws).
 *
 * <pre>{@code Charset cs = ContentCharset.of(request.header("Content-Type").orElse(null));}</pre>
 */
public final class ContentCharset {

    private ContentCharset() {
    }

    /**
     * The charset {@code contentType} names, or UTF-8 when it names none (or is null).
     *
     * @throws UnsupportedCharsetException when it names a charset this JVM does not support
     */
    public static Charset of(String contentType) {
        if (contentType == null) {
            return StandardCharsets.UTF_8;
        }
        for (String param : contentType.split(";")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("charset")) {
                String name = param.substring(eq + 1).strip();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    throw new UnsupportedCharsetException(name);
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
