package dev.baton.internal.coding;

import java.util.List;
import java.util.Locale;

/**
 * What a request's {@code Accept-Encoding} allows (RFC 9110 12.5.3): whether gzip is acceptable
 * and whether identity (no coding) still is. Weights are read as the RFC writes them
 * ({@code q=0} is "not acceptable"; {@code *} stands for every coding not named); a malformed
 * weight counts as 1, as if the parameter were absent, so that a sloppy client still gets a
 * response.
 *
 * @param gzip     gzip (or its alias x-gzip) has a weight above zero
 * @param identity a response without a coding is acceptable
 */
public record AcceptEncoding(boolean gzip, boolean identity) {
    /** No field: the server sends no coding (any would do, but clients that omit it often mean none). */
    public static final AcceptEncoding ABSENT = new AcceptEncoding(false, true);

    /** Reads every {@code Accept-Encoding} field line of a request (empty list: absent). */
    public static AcceptEncoding of(List<String> fieldLines) {
        if (fieldLines.isEmpty()) {
            return ABSENT;
        }
        float gzip = -1;
        float identity = -1;
        float any = -1;
        for (String line : fieldLines) {
            for (String member : line.split(",")) {
                String m = member.strip();
                if (m.isEmpty()) {
                    continue;
                }
                int semi = m.indexOf(';');
                String coding = (semi < 0 ? m : m.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
                float q = semi < 0 ? 1 : weight(m.substring(semi + 1));
                switch (coding) {
                    case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
                    case "identity" -> identity = Math.max(identity, q);
                    case "*" -> any = Math.max(any, q);
                    default -> { } // a coding this server does not produce
                }
            }
        }
        boolean gzipOk = gzip >= 0 ? gzip > 0 : any > 0;
        // identity is acceptable unless named with q=0, or excluded by "*;q=0" without being named
        boolean identityOk = identity >= 0 ? identity > 0 : any != 0;
        return new AcceptEncoding(gzipOk, identityOk);
    }

    /** The {@code q} parameter among {@code params} (0..1); 1 when absent or malformed. */
    private static float weight(String params) {
        for (String p : params.split(";")) {
            String t = p.strip();
            if (t.length() > 2 && (t.charAt(0) == 'q' || t.charAt(0) == 'Q') && t.charAt(1) == '=') {
                String v = t.substring(2).strip();
                // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
                if (v.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?")) {
                    return Float.parseFloat(v);
                }
                return 1;
            }
        }
        return 1;
    }
}
