package dev.baton.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP version the client can speak, named on the wire by its ALPN id (RFC 7301).
 *
 * <pre>{@code HttpClient.builder().protocols(Protocol.HTTP_2, Protocol.HTTP_1_1).h2PriorKnowledge(true).build();}</pre>
 */
public enum Protocol {
    HTTP_1_1("http/1.1"),
    HTTP_2("h2");

    private final String alpn;

    Protocol(String alpn) {
        this.alpn = alpn;
    }

    /** The protocol's ALPN id: {@code http/1.1} or {@code h2}. */
    public String alpn() {
        return alpn;
    }

    /** {@code "h2, http/1.1"} (ALPN ids or constant names, any case) as a list, in its order. */
    public static List<Protocol> parseList(String text) {
        List<Protocol> out = new ArrayList<>();
        for (String item : text.split(",")) {
            String id = item.strip().toLowerCase(Locale.ROOT);
            if (id.isEmpty()) {
                continue;
            }
            Protocol p = switch (id) {
                case "h2", "http_2", "http/2" -> HTTP_2;
                case "http/1.1", "http_1_1" -> HTTP_1_1;
                default -> throw new IllegalArgumentException("protocols: '" + item.strip() + "' is no protocol the client "
                        + "speaks: h2 or http/1.1");
            };
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
