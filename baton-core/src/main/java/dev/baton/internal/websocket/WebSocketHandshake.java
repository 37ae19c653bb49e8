package dev.baton.internal.websocket;

import dev.baton.ServerConfig;
import dev.baton.context.RequestContext;
import dev.baton.http.Headers;
import dev.baton.http.Problem;
import dev.baton.http.Request;
import dev.baton.http.Response;
import dev.baton.routing.Handler;
import dev.baton.websocket.WebSocketEndpoint;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The handler of a WebSocket route: checks the opening handshake (RFC 6455 4.2.1) after the
 * route's middleware, and answers a refusal as problem+json or a 101 that carries the agreed
 * {@link Accepted} session. The connection switches protocols when it writes that 101.
 */
public final class WebSocketHandshake implements Handler {
    /** RFC 6455 1.3: appended to the client's key before hashing. */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final ServerConfig DEFAULTS = dev.baton.ServerConfig.builder().build();

    private final WebSocketEndpoint endpoint;

    public WebSocketHandshake(WebSocketEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** What the 101 carries to the connection: the endpoint, its subprotocol and the compression agreed. */
    record Accepted(WebSocketEndpoint endpoint, String subprotocol, WebSocketServerExtension compression) {
    }

    @Override
    public Object handle(RequestContext ctx) {
        Request req = ctx.request();
        Headers h = req.headers();
        ServerConfig config = ctx instanceof HandshakeExchange ex ? ex.serverConfig() : DEFAULTS;
        if (!hasToken(h, "Upgrade", "websocket") || !req.method().equals("GET")) {
            return refuse(426, "this resource speaks WebSocket only: send a GET with Upgrade: websocket", req)
                    .withHeader("Upgrade", "websocket").withHeader("Connection", "Upgrade");
        }
        if (!"HTTP/1.1".equals(req.protocol())) {
            return refuse(400, "a WebSocket handshake needs HTTP/1.1", req);
        }
        if (!hasToken(h, "Connection", "upgrade")) {
            return refuse(400, "a WebSocket handshake needs Connection: Upgrade", req);
        }
        List<String> versions = h.all("Sec-WebSocket-Version");
        if (versions.size() != 1 || !versions.get(0).strip().equals("13")) {
            return refuse(426, "Sec-WebSocket-Version must be 13", req).withHeader("Sec-WebSocket-Version", "13");
        }
        List<String> keys = h.all("Sec-WebSocket-Key");
        if (keys.size() != 1 || !isNonce(keys.get(0).strip())) {
            return refuse(400, "Sec-WebSocket-Key must be one base64-encoded 16-byte value", req);
        }
        String origin = h.first("Origin").map(String::strip).orElse(null);
        if (origin != null && !originAllowed(origin, config.webSocketAllowedOrigins())) {
            return refuse(403, "the origin " + origin + " may not open a WebSocket here", req);
        }
        String subprotocol = subprotocol(h.all("Sec-WebSocket-Protocol"), endpoint.subprotocols());
        WebSocketServerExtension compression = config.webSocketCompression()
                ? compression(h.all("Sec-WebSocket-Extensions"), config.webSocketMaxMessageSize()) : null;
        Response ok = Response.switchingProtocols(new Accepted(endpoint, subprotocol, compression))
                .withHeader("Upgrade", "websocket")
                .withHeader("Connection", "Upgrade")
                .withHeader("Sec-WebSocket-Accept", accept(keys.get(0).strip()));
        if (subprotocol != null) {
            ok = ok.withHeader("Sec-WebSocket-Protocol", subprotocol);
        }
        if (compression != null) {
            ok = ok.withHeader("Sec-WebSocket-Extensions", format(compression.newReponseData()));
        }
        return ok;
    }

    private static Response refuse(int status, String detail, Request req) {
        return Problem.of(status, detail).withInstance(req.path()).toResponse();
    }

    /** RFC 6455 4.2.2: base64 of SHA-1 over the key and the GUID. */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }

    private static boolean isNonce(String key) {
        if (key.length() != 24) { // 16 bytes in base64, with its padding
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True if a comma-separated list in any line of {@code name} holds {@code token} (any case). */
    private static boolean hasToken(Headers h, String name, String token) {
        for (String line : h.all(name)) {
            for (String part : line.split(",")) {
                if (part.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean originAllowed(String origin, String allowed) {
        if (allowed.isEmpty()) {
            return true;
        }
        for (String a : allowed.split(",")) {
            if (a.strip().equalsIgnoreCase(origin)) {
                return true;
            }
        }
        return false;
    }

    /** The route's first subprotocol the client offers, or null (RFC 6455 4.2.2: the server's choice). */
    private static String subprotocol(List<String> offered, List<String> spoken) {
        if (spoken.isEmpty() || offered.isEmpty()) {
            return null;
        }
        for (String mine : spoken) {
            for (String line : offered) {
                for (String theirs : line.split(",")) {
                    if (theirs.strip().equals(mine)) { // subprotocol names are case-sensitive
                        return mine;
                    }
                }
            }
        }
        return null;
    }

    /**
     * permessage-deflate if the client offers it in a form we accept; each decompressed frame is
     * held to the max message size (a zip bomb fails the session with 1009, not the heap).
     */
    private static WebSocketServerExtension compression(List<String> offers, int maxMessageSize) {
        PerMessageDeflateServerExtensionHandshaker deflate = new PerMessageDeflateServerExtensionHandshaker(6,
                false, 15, false, false, maxMessageSize);
        for (String line : offers) {
            List<WebSocketExtensionData> offered;
            try {
                offered = WebSocketExtensionUtil.extractExtensions(line);
            } catch (RuntimeException e) {
                continue; // an offer we cannot parse is one we do not take
            }
            for (WebSocketExtensionData data : offered) {
                WebSocketServerExtension agreed = deflate.handshakeExtension(data);
                if (agreed != null) {
                    return agreed;
                }
            }
        }
        return null;
    }

    private static String format(WebSocketExtensionData data) {
        StringBuilder b = new StringBuilder(data.name());
        for (Map.Entry<String, String> p : data.parameters().entrySet()) {
            b.append("; ").append(p.getKey().toLowerCase(Locale.ROOT));
            if (p.getValue() != null) {
                b.append('=').append(p.getValue());
            }
        }
        return b.toString();
    }
}
