package dev.baton.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A stream's request head, checked the way RFC 9113 section 8 asks, and the HTTP/1 request the
 * dispatcher takes made from it. Netty's decoder has already refused what its HPACK layer can see
 * (a pseudo-header after a regular field, an unknown or response pseudo-header, uppercase names,
 * connection-specific fields, {@code TE} other than {@code trailers}); this adds the rest, so that
 * nothing malformed reaches a handler whatever the codec's settings.
 */
final class Http2RequestHead {
    /** How a request that came over HTTP/2 shows its protocol to handlers and the access log. */
    static final HttpVersion HTTP_2 = HttpVersion.valueOf("HTTP/2.0");
    private static final AsciiString COOKIE = AsciiString.cached("cookie");

    /** Why a head cannot be served: a stream error (RST_STREAM PROTOCOL_ERROR), or an answer with {@code status}. */
    static final class Malformed extends Exception {
        final int status;

        Malformed(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** RFC 9113 8.1.1: a malformed request is a stream error of type PROTOCOL_ERROR. */
        boolean isStreamError() {
            return status == 0;
        }
    }

    final String method;
    final String target;
    final long contentLength;
    /** The client asked {@code Expect: 100-continue} (the field itself is taken off, as on HTTP/1.1). */
    final boolean expectsContinue;
    private final HttpHeaders fields;

    private Http2RequestHead(String method, String target, long contentLength, boolean expectsContinue, HttpHeaders fields) {
        this.method = method;
        this.target = target;
        this.contentLength = contentLength;
        this.expectsContinue = expectsContinue;
        this.fields = fields;
    }

    /** Checks {@code h}, with at most {@code maxFields} regular fields; the body's size is checked by {@link #checkLength}. */
    static Http2RequestHead of(Http2Headers h, int maxFields) throws Malformed {
        CharSequence method = null;
        CharSequence scheme = null;
        CharSequence path = null;
        CharSequence authority = null;
        HttpHeaders fields = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        StringBuilder cookies = null;
        int count = 0;
        boolean regular = false;
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            CharSequence name = e.getKey();
            CharSequence value = e.getValue();
            checkValue(name, value);
            if (name.length() > 0 && name.charAt(0) == ':') {
                if (regular) {
                    throw streamError("pseudo-header " + name + " after a regular field");
                }
                String n = name.toString();
                switch (n) {
                    case ":method" -> method = once(method, value, n);
                    case ":scheme" -> scheme = once(scheme, value, n);
                    case ":path" -> path = once(path, value, n);
                    case ":authority" -> authority = once(authority, value, n);
                    default -> throw streamError("unknown pseudo-header " + n);
                }
                continue;
            }
            regular = true;
            checkName(name);
            if (++count > maxFields) {
                throw new Malformed(431, "more than " + maxFields + " header fields");
            }
            if (COOKIE.contentEquals(name)) {
                // RFC 9113 8.2.3: crumbs sent as separate fields are one field again for HTTP/1 semantics
                cookies = cookies == null ? new StringBuilder(value) : cookies.append("; ").append(value);
                continue;
            }
            fields.add(name, value);
        }
        if (cookies != null) {
            fields.set(HttpHeaderNames.COOKIE, cookies.toString());
        }
        if (method == null) {
            throw streamError("no :method");
        }
        String m = method.toString();
        if (!isToken(m)) {
            throw streamError("malformed :method");
        }
        String target;
        if (m.equals("CONNECT")) {
            // RFC 9113 8.5: :authority only
            if (scheme != null || path != null || authority == null) {
                throw streamError("CONNECT takes :authority and neither :scheme nor :path");
            }
            target = authority.toString();
        } else {
            if (scheme == null || path == null) {
                throw streamError(scheme == null ? "no :scheme" : "no :path");
            }
            if (path.length() == 0) {
                throw streamError("empty :path");
            }
            target = path.toString();
        }
        String host = fields.get(HttpHeaderNames.HOST);
        if (authority != null) {
            if (host != null && !host.equalsIgnoreCase(authority.toString())) {
                throw streamError("Host differs from :authority"); // RFC 9113 8.3.1
            }
            byte[] a = authority.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (a.length == 0 || !HostSyntax.isHostAndPort(a, 0, a.length)) {
                throw new Malformed(400, "malformed :authority");
            }
            fields.set(HttpHeaderNames.HOST, authority);
        }
        return new Http2RequestHead(m, target, contentLength(fields), expectsContinue(fields), fields);
    }

    /** 413 when the declared length passes {@code maxBody}: the route's streaming limit, or the server's. */
    void checkLength(long maxBody) throws Malformed {
        if (contentLength > maxBody) {
            throw new Malformed(413, "the request body exceeds " + maxBody + " bytes");
        }
    }

    /** Whether the Expect fields ask for 100-continue; 417 for any other expectation, as on HTTP/1.1. */
    private static boolean expectsContinue(HttpHeaders fields) throws Malformed {
        var values = fields.getAll(HttpHeaderNames.EXPECT);
        if (values.isEmpty()) {
            return false;
        }
        boolean wanted = false;
        for (String v : values) {
            if (!RequestFraming.isServed(v)) {
                throw new Malformed(417, "the only expectation served is 100-continue");
            }
            wanted |= RequestFraming.expectsContinue(v);
        }
        fields.remove(HttpHeaderNames.EXPECT);
        return wanted;
    }

    /** The declared length, -1 for none. */
    private static long contentLength(HttpHeaders fields) throws Malformed {
        var values = fields.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (values.isEmpty()) {
            return -1;
        }
        long length = -1;
        for (String v : values) {
            long n;
            try {
                n = v.isEmpty() || v.charAt(0) == '+' || v.charAt(0) == '-' ? -1 : Long.parseLong(v);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || length >= 0 && n != length) {
                throw streamError("malformed content-length");
            }
            length = n;
        }
        return length;
    }

    /** The request the dispatcher takes, owning {@code body}. */
    FullHttpRequest toRequest(ByteBuf body) {
        return new DefaultFullHttpRequest(HTTP_2, HttpMethod.valueOf(method), target, body, fields,
                DefaultHttpHeadersFactory.trailersFactory().withValidation(false).newHeaders());
    }

    /** Trailers: regular fields only (RFC 9113 8.1); they are checked and dropped, as on HTTP/1.1. */
    static void checkTrailers(Http2Headers h) throws Malformed {
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            if (e.getKey().length() == 0 || e.getKey().charAt(0) == ':') {
                throw streamError("pseudo-header in trailers");
            }
            checkName(e.getKey());
            checkValue(e.getKey(), e.getValue());
        }
    }

    private static CharSequence once(CharSequence seen, CharSequence value, String name) throws Malformed {
        if (seen != null) {
            throw streamError("more than one " + name);
        }
        return value;
    }

    /** RFC 9113 8.2.1: a token in lowercase. */
    private static void checkName(CharSequence name) throws Malformed {
        if (name.length() == 0) {
            throw streamError("empty field name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7f || !HttpSyntax.isTchar((byte) c) || c >= 'A' && c <= 'Z') {
                throw streamError("malformed field name");
            }
        }
    }

    /** RFC 9113 8.2.1: no NUL, CR or LF, no whitespace at either end. */
    private static void checkValue(CharSequence name, CharSequence value) throws Malformed {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n' || c > 0xff) {
                throw streamError("malformed value of " + name);
            }
        }
        if (n > 0 && (isSpace(value.charAt(0)) || isSpace(value.charAt(n - 1)))) {
            throw streamError("whitespace around the value of " + name);
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7f || !HttpSyntax.isTchar((byte) c)) {
                return false;
            }
        }
        return true;
    }

    private static Malformed streamError(String why) {
        return new Malformed(0, why);
    }
}
